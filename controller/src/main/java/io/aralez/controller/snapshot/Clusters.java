package io.aralez.controller.snapshot;

import io.aralez.api.v1.Cluster;
import io.aralez.api.v1.Endpoint;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Processor: clusters and endpoints. A Service port referenced by a route becomes one cluster
 * ({@code ns/name:port[/PROTOCOL]}) whose endpoints are the ready, non-terminating addresses of its
 * EndpointSlices.
 */
final class Clusters {
  private final Lookups lookups;
  final Map<String, Cluster> clusters = new TreeMap<>();
  final Map<String, List<Endpoint>> endpoints = new TreeMap<>();
  final Map<String, BuildResult.EndpointSource> sources = new TreeMap<>();

  Clusters(Lookups lookups) {
    this.lookups = lookups;
  }

  /**
   * The cluster name of a Service port, registering its endpoints; null (and a warning) when the
   * Service or port does not exist.
   */
  String cluster(
      ObjectReport report,
      String ns,
      String name,
      Integer number,
      String portName,
      String protocol) {
    return cluster(report, ns, name, number, portName, protocol, false);
  }

  /** The cluster of a Service backend of an Ingress (its port by number or name), or null. */
  String cluster(
      ObjectReport report,
      String ns,
      io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend b,
      String protocol,
      boolean viaService) {
    var port = b.getPort();
    return cluster(
        report,
        ns,
        b.getName(),
        port == null ? null : port.getNumber(),
        port == null ? null : port.getName(),
        protocol,
        viaService);
  }

  /**
   * @param viaService send to the Service's cluster IP and port instead of its endpoints
   *     (ingress-nginx's service-upstream); a headless Service falls back to its endpoints
   */
  String cluster(
      ObjectReport report,
      String ns,
      String name,
      Integer number,
      String portName,
      String protocol,
      boolean viaService) {
    Service svc = lookups.service(ns + "/" + name);
    if (svc == null) {
      report.warnings.add("Service " + ns + "/" + name + " not found: answered with 503/500");
      report.resolvedRefs = false;
      return null;
    }
    ServicePort port = servicePort(svc, number, portName);
    if (port == null) {
      report.warnings.add(
          "Service "
              + ns
              + "/"
              + name
              + " has no port "
              + (number != null && number != 0 ? number : portName));
      report.resolvedRefs = false;
      return null;
    }
    String proto = protocol != null ? protocol : appProtocol(port.getAppProtocol());
    String id = ns + "/" + name + ":" + port.getPort() + (proto.equals("HTTP") ? "" : "/" + proto);
    String clusterIp = svc.getSpec() == null ? null : svc.getSpec().getClusterIP();
    if (viaService && clusterIp != null && Values.ipLiteral(clusterIp)) {
      String vid = id + "@service";
      if (!clusters.containsKey(vid)) {
        Endpoint fixed =
            Endpoint.newBuilder().setAddress(clusterIp).setPort(port.getPort()).build();
        clusters.put(
            vid,
            Cluster.newBuilder().setName(vid).setProtocol(Cluster.Protocol.valueOf(proto)).build());
        endpoints.put(vid, List.of(fixed));
        sources.put(vid, new BuildResult.EndpointSource(ns + "/" + name, port.getName(), fixed));
      }
      return vid;
    }
    if (viaService) {
      report.warnings.add(
          "service-upstream: Service "
              + ns
              + "/"
              + name
              + " has no cluster IP; its endpoints are used");
    }
    if (!clusters.containsKey(id)) {
      clusters.put(
          id,
          Cluster.newBuilder().setName(id).setProtocol(Cluster.Protocol.valueOf(proto)).build());
      endpoints.put(id, readyEndpoints(lookups, ns + "/" + name, port.getName()));
      sources.put(id, new BuildResult.EndpointSource(ns + "/" + name, port.getName()));
    }
    return id;
  }

  /** The number of a Service's first port, or null when the Service or its ports are unknown. */
  Integer firstPort(String ns, String name) {
    Service svc = lookups.service(ns + "/" + name);
    if (svc == null || svc.getSpec() == null || svc.getSpec().getPorts() == null) {
      return null;
    }
    return svc.getSpec().getPorts().isEmpty() ? null : svc.getSpec().getPorts().get(0).getPort();
  }

  /** The protocol a Service port is spoken to with, or null when the Service or port is unknown. */
  String portProtocol(String ns, String name, Integer number, String portName) {
    Service svc = lookups.service(ns + "/" + name);
    ServicePort port = svc == null ? null : servicePort(svc, number, portName);
    return port == null ? null : appProtocol(port.getAppProtocol());
  }

  static ServicePort servicePort(Service svc, Integer number, String portName) {
    ServicePort port = null;
    for (ServicePort sp :
        svc.getSpec() == null || svc.getSpec().getPorts() == null
            ? List.<ServicePort>of()
            : svc.getSpec().getPorts()) {
      if (number != null && number != 0
          ? Objects.equals(sp.getPort(), number)
          : Objects.equals(sp.getName(), portName)) {
        port = sp;
      }
    }
    return port;
  }

  static String appProtocol(String app) {
    if (app == null) {
      return "HTTP";
    }
    return switch (app.toLowerCase()) {
      case "https" -> "HTTPS";
      case "kubernetes.io/h2c", "h2c", "grpc" -> "H2C";
      default -> "HTTP";
    };
  }

  /** Ready, non-terminating addresses of a Service port, through its EndpointSlices. */
  static List<Endpoint> readyEndpoints(Lookups lookups, String service, String portName) {
    Set<String> seen = new TreeSet<>();
    List<Endpoint> out = new ArrayList<>();
    for (EndpointSlice es : lookups.slices(service)) {
      if ("FQDN".equals(es.getAddressType())
          || es.getEndpoints() == null
          || es.getPorts() == null) {
        continue;
      }
      Integer portNumber = null;
      for (EndpointPort ep : es.getPorts()) {
        if (Objects.equals(
            Objects.requireNonNullElse(ep.getName(), ""),
            Objects.requireNonNullElse(portName, ""))) {
          portNumber = ep.getPort();
        }
      }
      if (portNumber == null) {
        continue;
      }
      for (var e : es.getEndpoints()) {
        EndpointConditions c = e.getConditions();
        boolean ready = c == null || c.getReady() == null || c.getReady();
        boolean terminating = c != null && Boolean.TRUE.equals(c.getTerminating());
        if (!ready || terminating || e.getAddresses() == null) {
          continue;
        }
        for (String a : e.getAddresses()) {
          if (Values.ipLiteral(a) && seen.add(a + " " + portNumber)) {
            out.add(Endpoint.newBuilder().setAddress(a).setPort(portNumber).build());
          }
        }
      }
    }
    out.sort(Comparator.comparing(Endpoint::getAddress).thenComparingInt(Endpoint::getPort));
    return out;
  }
}
