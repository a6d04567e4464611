package io.aralez.dataplane.routing;

import io.aralez.dataplane.config.HostPort;
import io.aralez.dataplane.config.ProxyConfig;
import io.aralez.dataplane.config.ProxyConfig.Route;
import io.aralez.dataplane.config.ProxyConfig.VirtualHost;
import io.aralez.dataplane.upstream.BackendState;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Pure route lookup compiled from a {@link ProxyConfig}. Host: exact, then a one-label {@code
 * *.suffix} wildcard, then DEFAULT. Path: longest configured prefix on segment boundaries. Cost is
 * a few hash lookups per request, whatever the number of routes.
 */
public final class Router {
  private final Map<String, Map<String, RouteEntry>> exact = new HashMap<>();
  private final Map<String, Map<String, RouteEntry>> wildcard = new HashMap<>();
  private Map<String, RouteEntry> fallback;

  private Router() {}

  /**
   * Compiles {@code config}.
   *
   * @param states the live state of each backend address (shared across configs)
   * @param stickyKey the key sticky-session ids are derived with
   */
  public static Router compile(
      ProxyConfig config, Function<HostPort, BackendState> states, byte[] stickyKey) {
    Router r = new Router();
    for (VirtualHost vh : config.hosts()) {
      Map<String, RouteEntry> table = new HashMap<>();
      for (Route route : vh.routes()) {
        int n = route.backends().size();
        BackendState[] s = new BackendState[n];
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
          HostPort address = route.backends().get(i).address();
          s[i] = states.apply(address);
          ids[i] = StickyIds.of(stickyKey, route, address);
        }
        table.put(route.path(), new RouteEntry(route, s, ids));
      }
      String name = vh.name();
      if (name.equals(ProxyConfig.DEFAULT_HOST)) {
        r.fallback = table;
      } else if (name.startsWith("*.")) {
        r.wildcard.put(name.substring(2), table);
      } else {
        r.exact.put(name, table);
      }
    }
    return r;
  }

  /**
   * Finds the route for a normalised host and a canonical path.
   *
   * @return the route, or null when nothing matches (answer 404)
   */
  public RouteEntry route(String host, String path) {
    Map<String, RouteEntry> table = host == null ? null : exact.get(host);
    if (table == null && host != null) {
      int dot = host.indexOf('.');
      if (dot > 0) {
        table = wildcard.get(host.substring(dot + 1));
      }
    }
    if (table == null) {
      table = fallback;
    }
    return table == null ? null : longestPrefix(table, path);
  }

  /** The compiled entry of an exact configured host name and prefix (admin views), or null. */
  public RouteEntry entry(String hostName, String path) {
    Map<String, RouteEntry> table =
        hostName.equals(ProxyConfig.DEFAULT_HOST)
            ? fallback
            : hostName.startsWith("*.") ? wildcard.get(hostName.substring(2)) : exact.get(hostName);
    return table == null ? null : table.get(path);
  }

  private static RouteEntry longestPrefix(Map<String, RouteEntry> table, String path) {
    String candidate =
        path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    while (true) {
      RouteEntry e = table.get(candidate);
      if (e != null) {
        return e;
      }
      int slash = candidate.lastIndexOf('/');
      if (slash <= 0) {
        return candidate.equals("/") ? null : table.get("/");
      }
      candidate = candidate.substring(0, slash);
    }
  }
}
