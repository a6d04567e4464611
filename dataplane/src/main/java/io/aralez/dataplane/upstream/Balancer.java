package io.aralez.dataplane.upstream;

import io.aralez.dataplane.config.ProxyConfig.Backend;
import io.aralez.dataplane.net.DispatchClock;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Load balancing over one route's backends: round robin, or smooth weighted order when weights
 * differ, or EWMA (the better of two random usable backends by {@link LatencyScore}). Picks skip
 * backends out of rotation (weight 0, or unhealthy when the route is health checked). Shared by
 * every event loop; the cursor is the only state of its own.
 */
public final class Balancer {
  private final Backend[] backends;
  private final BackendState[] states;
  private final boolean healthcheck;
  private final boolean ewma;
  private final AtomicInteger cursor = new AtomicInteger();
  // Null when every backend has the same weight: plain round robin.
  private final long[] cumulative;
  private final long stride;

  public Balancer(Backend[] backends, BackendState[] states, boolean healthcheck) {
    this(backends, states, healthcheck, false);
  }

  public Balancer(Backend[] backends, BackendState[] states, boolean healthcheck, boolean ewma) {
    this.ewma = ewma;
    this.backends = backends;
    this.states = states;
    this.healthcheck = healthcheck;
    boolean uniform = true;
    for (Backend b : backends) {
      uniform &= b.weight() == backends[0].weight() && b.weight() > 0;
    }
    if (uniform) {
      cumulative = null;
      stride = 1;
    } else {
      cumulative = new long[backends.length];
      long total = 0;
      for (int i = 0; i < backends.length; i++) {
        total += backends[i].weight();
        cumulative[i] = total;
      }
      stride = coprimeStride(total);
    }
  }

  /**
   * A step near 0.618 of {@code total} that shares no factor with it: stepping through the weight
   * line by it visits every position once per cycle, well spread rather than in blocks.
   */
  private static long coprimeStride(long total) {
    if (total <= 2) {
      return 1;
    }
    long s = Math.max(1, (long) (total * 0.6180339887));
    while (gcd(s, total) != 1) {
      s++;
    }
    return s;
  }

  private static long gcd(long a, long b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  public boolean usable(int i) {
    return backends[i].weight() > 0 && (!healthcheck || states[i].healthy());
  }

  /** The next usable backend other than {@code excluded} (-1 excludes none), or -1. */
  public int pickExcept(int excluded) {
    int n = backends.length;
    if (n == 0) {
      return -1;
    }
    if (ewma && n > 1) {
      return byEwma(excluded);
    }
    int start =
        n == 1 ? 0 : cumulative == null ? Math.floorMod(cursor.getAndIncrement(), n) : weighted();
    for (int k = 0; k < n; k++) {
      int i = (start + k) % n;
      if (i != excluded && usable(i)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Power of two choices: two distinct usable backends at random, the lower score wins (weights are
   * not used, as in ingress-nginx's ewma).
   */
  private int byEwma(int excluded) {
    int n = backends.length;
    var random = java.util.concurrent.ThreadLocalRandom.current();
    int first = -1;
    int start = random.nextInt(n);
    for (int k = 0; k < n; k++) {
      int i = (start + k) % n;
      if (i != excluded && usable(i)) {
        first = i;
        break;
      }
    }
    if (first < 0) {
      return -1;
    }
    int second = -1;
    int offset = 1 + random.nextInt(n - 1);
    for (int k = 0; k < n - 1; k++) {
      int i = (first + offset + k) % n;
      if (i != first && i != excluded && usable(i)) {
        second = i;
        break;
      }
    }
    if (second < 0) {
      return first;
    }
    long now = DispatchClock.now();
    return states[second].latency().score(now) < states[first].latency().score(now)
        ? second
        : first;
  }

  /** The backend owning the next position on the weight line. */
  private int weighted() {
    long total = cumulative[cumulative.length - 1];
    if (total == 0) {
      return 0;
    }
    long position = Math.floorMod(cursor.getAndIncrement() * stride, total);
    int lo = 0;
    int hi = cumulative.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cumulative[mid] > position) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }
}
