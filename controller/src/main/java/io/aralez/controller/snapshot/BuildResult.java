package io.aralez.controller.snapshot;

import io.aralez.api.v1.Endpoint;
import io.aralez.api.v1.EndpointSnapshot;
import io.aralez.api.v1.RouteSnapshot;
import java.util.SortedMap;

/**
 * One build: the two snapshot parts with their content versions, and a status per served object.
 *
 * @param endpointSources for each cluster, the Service ("namespace/name") and Service port name its
 *     endpoints come from: what an endpoints-only rebuild needs
 * @param acmeTargets the TLS Secrets served objects ask to have certified with ACME
 */
public record BuildResult(
    RouteSnapshot routes,
    String routesVersion,
    EndpointSnapshot endpoints,
    String endpointsVersion,
    SortedMap<ObjectRef, ObjectStatus> statuses,
    java.util.SortedMap<String, EndpointSource> endpointSources,
    java.util.List<AcmeTargets.Target> acmeTargets) {

  public BuildResult(
      RouteSnapshot routes,
      String routesVersion,
      EndpointSnapshot endpoints,
      String endpointsVersion,
      SortedMap<ObjectRef, ObjectStatus> statuses,
      java.util.SortedMap<String, EndpointSource> endpointSources) {
    this(
        routes,
        routesVersion,
        endpoints,
        endpointsVersion,
        statuses,
        endpointSources,
        java.util.List.of());
  }

  /**
   * This result serving {@code challenges} (token → key authorization) to every data plane: the
   * routes part is rebuilt with them and re-hashed, everything else is kept. Pure.
   */
  public BuildResult withChallenges(java.util.SortedMap<String, String> challenges) {
    RouteSnapshot.Builder b = routes.toBuilder().clearAcmeChallenges();
    challenges.forEach(
        (token, auth) ->
            b.addAcmeChallenges(
                io.aralez.api.v1.AcmeChallenge.newBuilder()
                    .setToken(token)
                    .setKeyAuthorization(auth)));
    RouteSnapshot r = b.build();
    return new BuildResult(
        r,
        Assembly.hash(r.toByteArray()),
        endpoints,
        endpointsVersion,
        statuses,
        endpointSources,
        acmeTargets);
  }

  /** Where the endpoints of one cluster come from. */
  public record EndpointSource(String service, String portName, Endpoint fixed) {
    public EndpointSource(String service, String portName) {
      this(service, portName, null);
    }
  }

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
