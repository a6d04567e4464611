package io.aralez.controller.snapshot;

import io.aralez.api.v1.Header;
import io.aralez.api.v1.Route;
import io.aralez.api.v1.WeightedCluster;

/**
 * Processor: a route's fallback backend (ingress-nginx's default-backend), which answers while the
 * route's own backends have no ready endpoint and serves the route's error pages, with the headers
 * that tell it which Service failed. Pure.
 */
final class Fallbacks {
  private Fallbacks() {}

  /**
   * @param owner the Ingress or AralezRoute name (X-Ingress-Name)
   * @param service the route's own Service (X-Service-Name) and its port as written
   */
  static void attach(
      Route.Builder r, String cluster, String ns, String owner, String service, String port) {
    attach(r, cluster, ns, owner, service, port, false);
  }

  /**
   * @param errorsOnly the fallback only serves error pages (the global default backend): a route
   *     whose Service is missing or has no endpoint still answers 503
   */
  static void attach(
      Route.Builder r,
      String cluster,
      String ns,
      String owner,
      String service,
      String port,
      boolean errorsOnly) {
    r.setFallbackErrorsOnly(errorsOnly);
    r.addFallbackBackends(WeightedCluster.newBuilder().setCluster(cluster).setWeight(1));
    String[][] told = {
      {"X-Code", "503"},
      {"X-Namespace", ns},
      {"X-Ingress-Name", owner},
      {"X-Service-Name", service},
      {"X-Service-Port", port}
    };
    for (String[] h : told) {
      r.addFallbackHeaders(Header.newBuilder().setName(h[0]).setValue(h[1]));
    }
    if (!errorsOnly && r.getBackendsCount() == 0 && r.getDirectStatus() == 503) {
      // The Service is missing: the fallback answers instead of a 503.
      r.setDirectStatus(0);
    }
  }
}
