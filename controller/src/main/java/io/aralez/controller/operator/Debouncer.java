package io.aralez.controller.operator;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Coalesces bursts of events into one run: the task runs {@code holdoff} after the last signal, and
 * at most {@code max} after the first one of a burst, so a steady stream of events cannot starve
 * it. Runs never overlap (one thread).
 */
public final class Debouncer {
  private final ScheduledExecutorService executor;
  private final Runnable task;
  private final long holdoffNanos;
  private final long maxNanos;
  private long firstSignal = -1;
  private ScheduledFuture<?> scheduled;

  public Debouncer(
      ScheduledExecutorService executor, Runnable task, Duration holdoff, Duration max) {
    this.executor = executor;
    this.task = task;
    this.holdoffNanos = holdoff.toNanos();
    this.maxNanos = max.toNanos();
  }

  public synchronized void signal() {
    long now = System.nanoTime();
    if (firstSignal < 0) {
      firstSignal = now;
    }
    long delay = Math.min(holdoffNanos, Math.max(0, firstSignal + maxNanos - now));
    if (scheduled != null) {
      scheduled.cancel(false);
    }
    scheduled = executor.schedule(this::fire, delay, TimeUnit.NANOSECONDS);
  }

  private void fire() {
    synchronized (this) {
      firstSignal = -1;
      scheduled = null;
    }
    task.run();
  }
}
