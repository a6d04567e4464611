package io.aralez.controller.snapshot;

import io.aralez.api.v1.EndpointSnapshot;
import io.aralez.api.v1.RouteSnapshot;
import java.util.SortedMap;

/**
 * One build: the two snapshot parts with their content versions, and a status per served object.
 *
 * @param endpointSources for each cluster, the Service ("namespace/name") and Service port name its
 *     endpoints come from: what an endpoints-only rebuild needs
 */
public record BuildResult(
    RouteSnapshot routes,
    String routesVersion,
    EndpointSnapshot endpoints,
    String endpointsVersion,
    SortedMap<ObjectRef, ObjectStatus> statuses,
    java.util.SortedMap<String, EndpointSource> endpointSources) {

  /** Where the endpoints of one cluster come from. */
  public record EndpointSource(String service, String portName) {}

  /** A result without endpoint sources (tests, hand-made snapshots). */
  public BuildResult(
      RouteSnapshot routes,
      String routesVersion,
      EndpointSnapshot endpoints,
      String endpointsVersion,
      SortedMap<ObjectRef, ObjectStatus> statuses) {
    this(routes, routesVersion, endpoints, endpointsVersion, statuses, new java.util.TreeMap<>());
  }

  public String version() {
    return routesVersion + "." + endpointsVersion;
  }
}
