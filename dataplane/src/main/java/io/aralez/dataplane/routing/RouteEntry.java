package io.aralez.dataplane.routing;

import io.aralez.dataplane.config.ProxyConfig.Backend;
import io.aralez.dataplane.config.ProxyConfig.Route;
import java.util.concurrent.atomic.AtomicInteger;

/** A compiled route: the immutable policy plus its round-robin cursor. */
public final class RouteEntry {
  private final Route route;
  private final AtomicInteger cursor = new AtomicInteger();

  RouteEntry(Route route) {
    this.route = route;
  }

  public Route route() {
    return route;
  }

  /** The next backend in round-robin order, or null when the route has none. */
  public Backend nextBackend() {
    var backends = route.backends();
    int n = backends.size();
    if (n == 0) {
      return null;
    }
    if (n == 1) {
      return backends.get(0);
    }
    return backends.get(Math.floorMod(cursor.getAndIncrement(), n));
  }

  /** The backend after {@code failed}, for one retry when a connect fails. */
  public Backend otherBackend(Backend failed) {
    var backends = route.backends();
    int n = backends.size();
    for (int i = 0; i < n; i++) {
      Backend b = backends.get(Math.floorMod(cursor.getAndIncrement(), n));
      if (!b.equals(failed)) {
        return b;
      }
    }
    return null;
  }
}
