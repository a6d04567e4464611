package io.aralez.controller.snapshot;

import io.aralez.api.v1.PathMatch;
import io.aralez.api.v1.Route;
import io.aralez.api.v1.WeightedCluster;

/**
 * Processor: the controller's {@code --default-backend-service} (ingress-nginx's flag). Its Service
 * (first port) answers every request no Ingress takes, unless an Ingress's own defaultBackend does,
 * and is where custom-http-errors go when the Ingress names no default-backend. Pure.
 *
 * @param cluster the Service's cluster, or null when it is not configured or not found
 * @param report the Service's report (its problems, as Events on it)
 */
record GlobalDefaultBackend(String cluster, ObjectReport report) {
  static final GlobalDefaultBackend NONE = new GlobalDefaultBackend(null, null);

  /** Resolves {@code service} ("namespace/name", or null for none). */
  static GlobalDefaultBackend of(String service, Clusters clusters) {
    if (service == null) {
      return NONE;
    }
    int slash = service.indexOf('/');
    String ns = service.substring(0, slash);
    String name = service.substring(slash + 1);
    ObjectReport report = new ObjectReport(new ObjectRef("Service", ns, name), 0);
    Integer port = clusters.firstPort(ns, name);
    if (port == null) {
      report.warnings.add(
          "--default-backend-service "
              + service
              + " not found or without ports: unmatched requests get Aralez's 404");
      return new GlobalDefaultBackend(null, report);
    }
    return new GlobalDefaultBackend(clusters.cluster(report, ns, name, port, null, null), report);
  }

  /** The catch-all route, unless an Ingress's defaultBackend already is one. */
  void claim(HostClaims claims) {
    if (cluster == null || claims.hasDefault()) {
      return;
    }
    claims.claimDefault(
        report,
        Route.newBuilder()
            .setId("controller/default-backend")
            .setPath(PathMatch.newBuilder().setType(PathMatch.Type.PREFIX).setValue("/"))
            .addBackends(WeightedCluster.newBuilder().setCluster(cluster).setWeight(1))
            .build());
  }
}
