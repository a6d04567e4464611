package io.aralez.dataplane.admin;

import io.aralez.dataplane.config.ProxyConfig.Route;
import io.aralez.dataplane.config.ProxyConfig.VirtualHost;
import io.aralez.dataplane.config.UpstreamProtocol;
import io.aralez.dataplane.routing.RouteEntry;
import io.aralez.dataplane.runtime.ActiveConfig;
import io.aralez.dataplane.upstream.BackendState;

/**
 * The JSON of {@code GET /status}: every configured backend per host and path. Views: {@code ?live}
 * (address, port, alive: as the original), {@code ?all} (the original's detail view, live backends
 * only), and the default full view with health, detected protocol and counters.
 */
final class StatusReport {
  enum View {
    FULL,
    LIVE,
    ALL
  }

  private StatusReport() {}

  static String render(ActiveConfig active, View view) {
    StringBuilder b = new StringBuilder("{");
    boolean firstHost = true;
    for (VirtualHost vh : active.config().hosts()) {
      b.append(firstHost ? "" : ",").append(Json.quote(vh.name())).append(":{");
      firstHost = false;
      boolean firstPath = true;
      for (Route route : vh.routes()) {
        RouteEntry entry = active.router().entry(route);
        b.append(firstPath ? "" : ",").append(Json.quote(route.path())).append(":{\"backends\":[");
        firstPath = false;
        boolean firstBackend = true;
        long requests = 0;
        for (int i = 0; i < entry.size(); i++) {
          BackendState s = entry.state(i);
          requests += s.requests();
          if (view == View.ALL && !entry.usable(i)) {
            continue;
          }
          b.append(firstBackend ? "" : ",");
          firstBackend = false;
          backend(b, route, entry, i, s, view);
        }
        b.append("]");
        if (view != View.LIVE) {
          b.append(",\"requests\":").append(requests);
        }
        b.append("}");
      }
      b.append("}");
    }
    return b.append("}\n").toString();
  }

  private static void backend(
      StringBuilder b, Route route, RouteEntry entry, int i, BackendState s, View view) {
    var address = entry.backend(i).address();
    b.append("{\"address\":").append(Json.quote(address.host()));
    b.append(",\"port\":").append(address.port());
    UpstreamProtocol p = route.protocol() != null ? route.protocol() : s.detected();
    switch (view) {
      case LIVE -> b.append(",\"alive\":").append(entry.usable(i));
      case ALL ->
          b.append(",\"is_ssl\":")
              .append(p != null && p.tls())
              .append(",\"is_http2\":")
              .append(p != null && p.http2())
              .append(",\"to_https\":")
              .append(route.toHttps())
              .append(",\"rate_limit\":")
              .append(route.rateLimit())
              .append(",\"x4xx_limit\":")
              .append(route.x4xxLimit())
              .append(",\"healthcheck\":")
              .append(route.healthcheck());
      case FULL ->
          b.append(",\"alive\":")
              .append(entry.usable(i))
              .append(",\"healthy\":")
              .append(s.healthy())
              .append(",\"healthcheck\":")
              .append(route.healthcheck())
              .append(",\"protocol\":")
              .append(p == null ? "null" : Json.quote(p.name().toLowerCase(java.util.Locale.ROOT)))
              .append(",\"detected\":")
              .append(route.protocol() == null)
              .append(",\"requests\":")
              .append(s.requests())
              .append(",\"connect_failures\":")
              .append(s.failures())
              .append(",\"last_error\":")
              .append(Json.quote(s.lastError()));
    }
    b.append("}");
  }
}
