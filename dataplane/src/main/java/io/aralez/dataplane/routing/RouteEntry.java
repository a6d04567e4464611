package io.aralez.dataplane.routing;

import com.google.re2j.Pattern;
import io.aralez.dataplane.config.ProxyConfig.Backend;
import io.aralez.dataplane.config.ProxyConfig.Route;
import io.aralez.dataplane.upstream.BackendState;
import io.aralez.dataplane.upstream.Balancer;

/**
 * A compiled route: the immutable policy, the live state of each backend, their sticky ids, and the
 * route's {@link Balancer}.
 */
public final class RouteEntry {
  private final Route route;
  private final Backend[] backends;
  private final BackendState[] states;
  private final String[] stickyIds;
  private final Balancer balancer;
  private final Pattern regex;
  // Per backend, for rendezvous hashing: the same address always scores the same.
  private final long[] addressHashes;

  RouteEntry(Route route, BackendState[] states, String[] stickyIds) {
    this.route = route;
    // A rewrite on a plain path: the path taken literally, and $1 is what follows it (a prefix
    // replacement is "/new$1").
    String re = route.match().regex();
    if (re == null && route.rules().rewrite() != null) {
      re = route.path().equals("/") ? "(.*)" : Pattern.quote(route.path()) + "(.*)";
    }
    this.regex = re == null ? null : Pattern.compile(re, Pattern.CASE_INSENSITIVE);
    this.backends = route.backends().toArray(Backend[]::new);
    this.addressHashes = new long[backends.length];
    for (int i = 0; i < backends.length; i++) {
      addressHashes[i] = backends[i].address().toString().hashCode() * 0xC2B2AE3D27D4EB4FL;
    }
    this.states = states;
    this.stickyIds = stickyIds;
    this.balancer = new Balancer(backends, states, route.healthcheck(), route.upstream().ewma());
  }

  public Route route() {
    return route;
  }

  /** The compiled path regex (of a regex route, or of a route that rewrites), or null. */
  public Pattern regex() {
    return regex;
  }

  public int size() {
    return backends.length;
  }

  public Backend backend(int i) {
    return backends[i];
  }

  public BackendState state(int i) {
    return states[i];
  }

  /** The backend's sticky id, or null when the route has no affinity or the backend none. */
  public String stickyId(int i) {
    return stickyIds[i];
  }

  public boolean usable(int i) {
    return balancer.usable(i);
  }

  /** The next usable backend in balancing order, or -1 when none is. */
  /** Whether backends are picked by response time, which then must be measured. */
  public boolean ewma() {
    return route.upstream().ewma();
  }

  public int pick() {
    return balancer.pickExcept(-1);
  }

  /** The next usable backend other than {@code excluded}, or -1. */
  public int pickExcept(int excluded) {
    return balancer.pickExcept(excluded);
  }

  /**
   * The usable backend {@code key} hashes to, by highest random weight (rendezvous hashing): the
   * same key keeps its backend while that one is usable, and only the keys of a backend that goes
   * move. -1 when none is usable.
   */
  public int byHash(String key) {
    long k = mix(key.hashCode() * 0x9E3779B97F4A7C15L);
    int best = -1;
    long bestScore = Long.MIN_VALUE;
    for (int i = 0; i < backends.length; i++) {
      if (!usable(i)) {
        continue;
      }
      long score = mix(k ^ addressHashes[i]);
      if (best < 0 || score > bestScore) {
        best = i;
        bestScore = score;
      }
    }
    return best;
  }

  /**
   * The subset variant: the key picks the {@code size} usable backends that score highest for it
   * (the same group while they stay usable), and each request goes to one of them at random, so a
   * hot key spreads over a few backends. -1 when none is usable.
   */
  public int byHashSubset(String key, int size) {
    long k = mix(key.hashCode() * 0x9E3779B97F4A7C15L);
    int[] top = new int[Math.min(size, backends.length)];
    long[] scores = new long[top.length];
    int n = 0;
    for (int i = 0; i < backends.length; i++) {
      if (!usable(i)) {
        continue;
      }
      long score = mix(k ^ addressHashes[i]);
      // Insertion into the small list of the best scores so far, highest first.
      int at = n < top.length ? n++ : top.length;
      while (at > 0 && scores[at - 1] < score) {
        if (at < top.length) {
          top[at] = top[at - 1];
          scores[at] = scores[at - 1];
        }
        at--;
      }
      if (at < top.length) {
        top[at] = i;
        scores[at] = score;
      }
    }
    return n == 0 ? -1 : top[java.util.concurrent.ThreadLocalRandom.current().nextInt(n)];
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }

  /** Whether a sticky cookie names one of the route's backends, usable or not. */
  public boolean lists(String id) {
    for (String s : stickyIds) {
      if (s != null && s.equals(id)) {
        return true;
      }
    }
    return false;
  }

  /** The usable backend a sticky cookie names, or -1. */
  public int bySticky(String id) {
    if (id == null) {
      return -1;
    }
    for (int i = 0; i < stickyIds.length; i++) {
      if (id.equals(stickyIds[i])) {
        return usable(i) ? i : -1;
      }
    }
    return -1;
  }
}
