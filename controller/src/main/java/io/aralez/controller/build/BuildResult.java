package io.aralez.controller.build;

import io.aralez.api.v1.EndpointSnapshot;
import io.aralez.api.v1.RouteSnapshot;
import java.util.SortedMap;

/**
 * One build: the two snapshot parts with their content versions, and a status per served object.
 */
public record BuildResult(
    RouteSnapshot routes,
    String routesVersion,
    EndpointSnapshot endpoints,
    String endpointsVersion,
    SortedMap<ObjectRef, ObjectStatus> statuses) {

  public String version() {
    return routesVersion + "." + endpointsVersion;
  }
}
