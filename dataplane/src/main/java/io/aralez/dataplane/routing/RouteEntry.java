package io.aralez.dataplane.routing;

import io.aralez.dataplane.config.ProxyConfig.Backend;
import io.aralez.dataplane.config.ProxyConfig.Route;
import io.aralez.dataplane.upstream.BackendState;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A compiled route: the immutable policy, the live state of each backend, their sticky ids, and the
 * round-robin cursor. Picks skip unhealthy backends unless the route opted out of health checks.
 */
public final class RouteEntry {
  private final Route route;
  private final Backend[] backends;
  private final BackendState[] states;
  private final String[] stickyIds;
  private final AtomicInteger cursor = new AtomicInteger();

  RouteEntry(Route route, BackendState[] states, String[] stickyIds) {
    this.route = route;
    this.backends = route.backends().toArray(Backend[]::new);
    this.states = states;
    this.stickyIds = stickyIds;
  }

  public Route route() {
    return route;
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

  public String stickyId(int i) {
    return stickyIds[i];
  }

  public boolean usable(int i) {
    return !route.healthcheck() || states[i].healthy();
  }

  /** The next usable backend in round-robin order, or -1 when none is. */
  public int pick() {
    return pickExcept(-1);
  }

  /** The next usable backend other than {@code excluded}, or -1. */
  public int pickExcept(int excluded) {
    int n = backends.length;
    if (n == 0) {
      return -1;
    }
    int start = n == 1 ? 0 : Math.floorMod(cursor.getAndIncrement(), n);
    for (int k = 0; k < n; k++) {
      int i = (start + k) % n;
      if (i != excluded && usable(i)) {
        return i;
      }
    }
    return -1;
  }

  /** The usable backend a sticky cookie names, or -1. */
  public int bySticky(String id) {
    if (id == null) {
      return -1;
    }
    for (int i = 0; i < stickyIds.length; i++) {
      if (stickyIds[i].equals(id)) {
        return usable(i) ? i : -1;
      }
    }
    return -1;
  }
}
