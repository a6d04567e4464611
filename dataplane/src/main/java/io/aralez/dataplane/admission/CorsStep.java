package io.aralez.dataplane.admission;

import io.aralez.dataplane.config.RouteRules;
import java.util.Map;

/**
 * Cross-origin requests the way ingress-nginx answers them: when the origin is allowed (always, for
 * "*"), every response carries the Access-Control headers, and an OPTIONS request is a preflight
 * answered here with 204, never forwarded. A request from another origin passes without any of
 * them.
 */
final class CorsStep implements AdmissionStep {
  @Override
  public Verdict.Local check(Admitting r) {
    RouteRules.Cors cors = r.route().rules().cors();
    if (cors == null) {
      return null;
    }
    String origin = r.head.header("origin");
    if (!cors.anyOrigin() && (origin == null || !cors.allows(origin))) {
      return null;
    }
    r.addResponseHeader("access-control-allow-origin", cors.anyOrigin() ? "*" : origin);
    if (cors.allowCredentials()) {
      r.addResponseHeader("access-control-allow-credentials", "true");
    }
    r.addResponseHeader("access-control-allow-methods", cors.allowMethods());
    r.addResponseHeader("access-control-allow-headers", cors.allowHeaders());
    if (cors.exposeHeaders() != null && !cors.exposeHeaders().isEmpty()) {
      r.addResponseHeader("access-control-expose-headers", cors.exposeHeaders());
    }
    r.addResponseHeader("access-control-max-age", Long.toString(cors.maxAgeSeconds()));
    if (!r.head.method().equals("OPTIONS")) {
      return null;
    }
    return new Verdict.Local(204, Map.of("content-type", "text/plain charset=UTF-8"), "");
  }
}
