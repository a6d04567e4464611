package io.aralez.controller.snapshot;

import io.aralez.api.v1.EndpointSnapshot;
import io.aralez.controller.crd.AralezRoute;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Cluster state in, route snapshot and per-object statuses out: the facade over the processors.
 * Pure: no client calls, no clock, no randomness (the build checks it: {@code SnapshotPurityTest});
 * every output list is sorted, so equal input gives equal bytes and the versions are hashes of
 * those bytes.
 *
 * <p>{@link ClassFilter} picks the objects we serve; they are offered oldest first (then
 * namespace/name) to {@link IngressTranslator} or {@link AralezRouteTranslator}, which resolve
 * Services into {@link Clusters}, Secrets into {@link Policies} and {@link Certificates}, and claim
 * host + match in {@link HostClaims}; {@link Assembly} sorts and hashes the result.
 *
 * <p>Ingress semantics (see README "Kubernetes"): host first, then path; precise host, then a
 * one-label wildcard, then rules without host; the longest path wins and Exact beats Prefix on a
 * tie; ImplementationSpecific is Prefix; an identical host + path in two objects goes to the oldest
 * (then namespace/name); the default backend answers what no path of a matched host takes; objects
 * being deleted and objects of other classes are ignored.
 */
public final class SnapshotBuilder {
  private static final Comparator<HasMetadata> AGE =
      Comparator.comparing(
              (HasMetadata o) ->
                  Objects.requireNonNullElse(o.getMetadata().getCreationTimestamp(), ""))
          .thenComparing(o -> Objects.requireNonNullElse(o.getMetadata().getNamespace(), ""))
          .thenComparing(o -> o.getMetadata().getName())
          .thenComparing(HasMetadata::getKind);

  private final BuilderSettings settings;

  public SnapshotBuilder(BuilderSettings settings) {
    this.settings = settings;
  }

  public BuildResult build(ClusterState state) {
    Resolvers resolvers = Resolvers.of(Lookups.of(state));
    ClassFilter ours = ClassFilter.of(settings, state.ingressClasses());
    List<Ingress> servedIngresses = ours.ingresses(state.ingresses());
    GlobalDefaultBackend global =
        GlobalDefaultBackend.of(settings.defaultBackendService(), resolvers.clusters());
    IngressTranslator ingresses =
        new IngressTranslator(
            resolvers, NginxCompat.of(settings, state, servedIngresses), global.cluster());
    AralezRouteTranslator routes = new AralezRouteTranslator(resolvers);

    List<HasMetadata> served = new ArrayList<>(servedIngresses);
    served.addAll(ours.routes(state.routes()));
    served.sort(AGE);
    SortedMap<ObjectRef, ObjectReport> reports = new TreeMap<>();
    for (HasMetadata o : served) {
      ObjectReport report = new ObjectReport(o);
      reports.put(report.ref, report);
      if (o instanceof Ingress ing) {
        ingresses.add(ing, report, ours.flavour(ing));
      } else {
        routes.add((AralezRoute) o, report);
      }
    }
    global.claim(resolvers.claims());
    if (global.report() != null && !global.report().warnings.isEmpty()) {
      reports.put(global.report().ref, global.report());
    }
    configMapReport(state).ifPresent(rep -> reports.put(rep.ref, rep));
    BuildResult r =
        Assembly.assemble(
            resolvers.claims(),
            resolvers.clusters(),
            resolvers.certificates(),
            resolvers.passthroughs(),
            reports);
    return new BuildResult(
        r.routes(),
        r.routesVersion(),
        r.endpoints(),
        r.endpointsVersion(),
        r.statuses(),
        r.endpointSources(),
        AcmeTargets.of(served));
  }

  /**
   * Events on ingress-nginx's ConfigMap (compat mode with {@code --nginx-configmap}): values it
   * refused and keys Aralez does not apply, so the operator sees them where they wrote them.
   */
  private java.util.Optional<ObjectReport> configMapReport(ClusterState state) {
    String cm = settings.nginx().enabled() ? settings.nginx().configMap() : null;
    if (cm == null || state.nginxConfig().isEmpty()) {
      return java.util.Optional.empty();
    }
    int slash = cm.indexOf('/');
    ObjectReport report =
        new ObjectReport(
            new ObjectRef("ConfigMap", cm.substring(0, slash), cm.substring(slash + 1)), 0);
    var defaults = io.aralez.controller.snapshot.nginx.NginxDefaults.of(state.nginxConfig());
    if (!defaults.problems().isEmpty()) {
      report.events.add(
          new ObjectStatus.Event(
              true,
              "NginxConfigInvalid",
              "ingress-nginx's default kept for: " + String.join("; ", defaults.problems())));
    }
    if (!defaults.customHttpErrors().isEmpty() && settings.defaultBackendService() == null) {
      report.events.add(
          new ObjectStatus.Event(
              true,
              "NginxConfigPartial",
              "custom-http-errors applies only to Ingresses with a default-backend annotation:"
                  + " the controller has no --default-backend-service"));
    }
    if (!defaults.ignored().isEmpty()) {
      report.events.add(
          new ObjectStatus.Event(
              true,
              "NginxConfigIgnored",
              "not applied by Aralez: " + String.join(", ", defaults.ignored())));
    }
    return java.util.Optional.of(report);
  }

  /**
   * {@code previous} with its endpoints worked out again from {@code slices}: when only
   * EndpointSlices changed, the routes part (and the statuses) cannot have, so they are kept and
   * only the endpoints part is rebuilt. Gives the same bytes as a full build of the same state.
   */
  public BuildResult withEndpoints(BuildResult previous, List<EndpointSlice> slices) {
    Lookups lookups = new Lookups(List.of(), slices, List.of());
    EndpointSnapshot.Builder eps = EndpointSnapshot.newBuilder();
    for (var e : previous.endpointSources().entrySet()) {
      eps.addClusters(
          Assembly.endpoints(
              e.getKey(),
              e.getValue().fixed() != null
                  ? List.of(e.getValue().fixed())
                  : Clusters.readyEndpoints(
                      lookups, e.getValue().service(), e.getValue().portName())));
    }
    EndpointSnapshot endpoints = eps.build();
    return new BuildResult(
        previous.routes(),
        previous.routesVersion(),
        endpoints,
        Assembly.hash(endpoints.toByteArray()),
        previous.statuses(),
        previous.endpointSources(),
        previous.acmeTargets());
  }
}
