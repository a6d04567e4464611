package io.aralez.controller.snapshot;

import io.aralez.api.v1.Cluster;
import io.aralez.api.v1.ClusterEndpoints;
import io.aralez.api.v1.Endpoint;
import io.aralez.api.v1.EndpointSnapshot;
import io.aralez.api.v1.Route;
import io.aralez.api.v1.RouteSnapshot;
import io.aralez.api.v1.VirtualHost;
import io.aralez.api.v1.WeightedCluster;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Processor: assembly and hashing. The claimed hosts, the clusters some route still uses (a losing
 * claim may have registered one), the certificates and the statuses become the two snapshot parts;
 * every list is sorted, so equal input gives equal bytes, and each version is a hash of its bytes.
 */
final class Assembly {
  private Assembly() {}

  static BuildResult assemble(
      HostClaims claims,
      Clusters clusters,
      Certificates certificates,
      Passthroughs passthroughs,
      SortedMap<ObjectRef, ObjectReport> reports) {
    RouteSnapshot.Builder snap = RouteSnapshot.newBuilder();
    snap.addAllPassthrough(passthroughs.build());
    for (Map.Entry<String, List<Route>> h : claims.resolve().entrySet()) {
      snap.addVirtualHosts(VirtualHost.newBuilder().setName(h.getKey()).addAllRoutes(h.getValue()));
    }
    Set<String> used = new TreeSet<>();
    snap.getPassthroughList().forEach(p -> used.add(p.getCluster()));
    for (VirtualHost vh : snap.getVirtualHostsList()) {
      for (Route r : vh.getRoutesList()) {
        for (WeightedCluster w : r.getBackendsList()) {
          used.add(w.getCluster());
        }
        for (WeightedCluster w : r.getFallbackBackendsList()) {
          used.add(w.getCluster());
        }
      }
    }
    EndpointSnapshot.Builder eps = EndpointSnapshot.newBuilder();
    SortedMap<String, BuildResult.EndpointSource> usedSources = new TreeMap<>();
    for (String c : used) {
      usedSources.put(c, clusters.sources.get(c));
      Cluster cluster = clusters.clusters.get(c);
      snap.addClusters(cluster);
      eps.addClusters(endpoints(c, clusters.endpoints.get(c)));
    }
    snap.addAllCertificates(certificates.build());
    RouteSnapshot routes = snap.build();
    EndpointSnapshot endpointSnapshot = eps.build();
    SortedMap<ObjectRef, ObjectStatus> statuses = new TreeMap<>();
    reports.forEach((ref, report) -> statuses.put(ref, report.status()));
    return new BuildResult(
        routes,
        hash(routes.toByteArray()),
        endpointSnapshot,
        hash(endpointSnapshot.toByteArray()),
        statuses,
        usedSources);
  }

  static ClusterEndpoints endpoints(String cluster, List<Endpoint> endpoints) {
    return ClusterEndpoints.newBuilder().setCluster(cluster).addAllEndpoints(endpoints).build();
  }

  static String hash(byte[] bytes) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
