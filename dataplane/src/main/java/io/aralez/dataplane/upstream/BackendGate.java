package io.aralez.dataplane.upstream;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Requests in flight to one backend address, across every route and event loop, with a bounded
 * queue in front (max_connections, queue_size, queue_timeout). An HTTP/1.1 request holds one
 * upstream connection, so capping requests in flight caps the connections a burst can open: a
 * backend with a small accept queue sees at most {@code max} connects at once, not one per client.
 *
 * <p>A slot that is given back goes straight to the oldest waiter (fair, and no thundering herd).
 * The monitor is held for a few field updates only; routes without a cap never come here.
 */
public final class BackendGate {
  /** Why a request got no slot. */
  public static final class Refused extends Exception {
    private final boolean queueFull;

    Refused(boolean queueFull) {
      super(queueFull ? "backend queue full" : "backend queue timeout", null, false, false);
      this.queueFull = queueFull;
    }

    public boolean queueFull() {
      return queueFull;
    }
  }

  private static final Refused FULL = new Refused(true);
  private static final Refused TIMED_OUT = new Refused(false);

  /** One request's place at the backend; {@link #release} is idempotent. */
  public final class Slot {
    private boolean released;

    public void release() {
      synchronized (BackendGate.this) {
        if (released) {
          return;
        }
        released = true;
      }
      handOver();
    }
  }

  private record Waiter(Promise<Slot> promise, int max) {}

  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
  private int inFlight;

  /**
   * A slot now, or once one frees up within {@code timeout}; fails with {@link Refused} when the
   * queue already holds {@code queueSize} requests or the wait runs out. Cancelling the future
   * leaves the queue.
   *
   * @param max requests in flight allowed to this backend (above 0)
   */
  public Future<Slot> acquire(EventExecutor loop, int max, int queueSize, Duration timeout) {
    Promise<Slot> promise = loop.newPromise();
    Waiter waiter;
    synchronized (this) {
      if (inFlight < max && waiters.isEmpty()) {
        inFlight++;
        return promise.setSuccess(new Slot());
      }
      if (waiters.size() >= queueSize) {
        return promise.setFailure(FULL);
      }
      waiter = new Waiter(promise, max);
      waiters.addLast(waiter);
    }
    ScheduledFuture<?> timer =
        loop.schedule(
            () -> {
              if (leave(waiter)) {
                promise.tryFailure(TIMED_OUT);
              }
            },
            timeout.toNanos(),
            TimeUnit.NANOSECONDS);
    promise.addListener(
        f -> {
          timer.cancel(false);
          if (f.isCancelled()) {
            leave(waiter);
          }
        });
    return promise;
  }

  private synchronized boolean leave(Waiter waiter) {
    return waiters.remove(waiter);
  }

  /**
   * A slot came back: the oldest live waiter that fits under its own cap takes it, else it ends.
   */
  private void handOver() {
    while (true) {
      Waiter next;
      synchronized (this) {
        next = waiters.peekFirst();
        if (next == null || inFlight - 1 >= next.max()) {
          // Nobody waits, or the waiter's route allows fewer than are still in flight.
          inFlight--;
          return;
        }
        waiters.pollFirst();
      }
      // The slot passes on without inFlight changing; a waiter cancelled meanwhile passes it on.
      if (next.promise().trySuccess(new Slot())) {
        return;
      }
    }
  }

  /** Requests holding a slot now (metrics, tests). */
  public synchronized int inFlight() {
    return inFlight;
  }

  /** Requests waiting for a slot now. */
  public synchronized int queued() {
    return waiters.size();
  }
}
