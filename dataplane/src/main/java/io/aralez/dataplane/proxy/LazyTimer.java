package io.aralez.dataplane.proxy;

import io.aralez.dataplane.net.DispatchClock;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One timer of a connection that is asked, again and again, to fire "no later than" some time. It
 * is only rescheduled when asked for an earlier time than it already has; asked for a later one it
 * stays, and the callback, woken early, checks its own deadline and asks again for the time left. A
 * keep-alive connection thus costs no schedule and cancel on the event loop's timer queue per
 * request (that churn was ~3% of the CPU under load, bench/README.md). Event loop only.
 */
public final class LazyTimer {
  private final EventExecutor executor;
  private final Runnable callback;
  private ScheduledFuture<?> pending;
  private long at;

  public LazyTimer(EventExecutor executor, Runnable callback) {
    this.executor = executor;
    this.callback = callback;
  }

  /** Makes sure the callback runs within {@code delayNanos} from now (possibly earlier). */
  public void wakeWithin(long delayNanos) {
    long target = DispatchClock.now(executor.ticker()) + delayNanos;
    if (pending != null) {
      if (at - target <= 0) {
        return;
      }
      pending.cancel(false);
    }
    at = target;
    pending = executor.schedule(this::fire, delayNanos, TimeUnit.NANOSECONDS);
  }

  /** The smaller of two timeouts where 0 or less means "none"; 0 or less when both are none. */
  public static long positiveMin(long a, long b) {
    return a <= 0 ? b : b <= 0 ? a : Math.min(a, b);
  }

  /** Drops the pending wake-up, if any (the connection closed). */
  public void cancel() {
    if (pending != null) {
      pending.cancel(false);
      pending = null;
    }
  }

  private void fire() {
    pending = null;
    try (var clock = DispatchClock.open(executor.ticker())) {
      callback.run();
    }
  }
}
