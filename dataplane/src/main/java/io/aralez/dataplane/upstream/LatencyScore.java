package io.aralez.dataplane.upstream;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A backend's load as the EWMA balancer sees it: requests in flight, and a peak-sensitive moving
 * average of the time to the response head (a slower sample replaces the average at once; faster
 * ones pull it down with a 10 s time constant, ingress-nginx's). Shared by the event loops, so the
 * average is updated by compare-and-set; a lost race loses one sample, never the state.
 */
public final class LatencyScore {
  static final double DECAY_NANOS = 10e9;

  private final AtomicInteger inFlight = new AtomicInteger();
  // The average in nanoseconds (double bits) and when it was last updated.
  private final AtomicLong average = new AtomicLong(Double.doubleToRawLongBits(0));
  private volatile long updatedAt;

  /** A request to this backend started. */
  public void begin() {
    inFlight.incrementAndGet();
  }

  /**
   * The request that {@link #begin} counted is over: its response head came {@code nanos} after it
   * went out (a failure passes the time it took to fail).
   */
  public void end(long nanos, long now) {
    inFlight.decrementAndGet();
    sample(nanos, now);
  }

  void sample(long nanos, long now) {
    long bits = average.get();
    double old = Double.longBitsToDouble(bits);
    double next;
    if (nanos > old) {
      next = nanos;
    } else {
      double w = Math.exp(-Math.max(0, now - updatedAt) / DECAY_NANOS);
      next = old * w + nanos * (1 - w);
    }
    if (average.compareAndSet(bits, Double.doubleToRawLongBits(next))) {
      updatedAt = now;
    }
  }

  public int inFlight() {
    return inFlight.get();
  }

  /** Lower is better: the average, decayed to {@code now}, times the requests in flight + 1. */
  public double score(long now) {
    double avg = Double.longBitsToDouble(average.get());
    double decayed = avg * Math.exp(-Math.max(0, now - updatedAt) / DECAY_NANOS);
    // A backend never measured scores 0 and is tried first, like a new endpoint in ingress-nginx.
    return decayed * (inFlight.get() + 1);
  }
}
