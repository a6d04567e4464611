package io.aralez.controller.status;

import io.aralez.controller.crd.AralezRoute;
import io.aralez.controller.crd.AralezRouteStatus;
import io.aralez.controller.snapshot.BuildResult;
import io.aralez.controller.snapshot.ClusterState;
import io.aralez.controller.snapshot.ObjectRef;
import io.aralez.controller.snapshot.ObjectStatus;
import io.aralez.controller.store.SnapshotStore;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes what the builder and the data planes concluded back to the API server (leader only):
 * Ingress {@code status.loadBalancer}, AralezRoute conditions and data-plane counts, and a Warning
 * Event for each new problem. Writes only what changed; status goes through the status subresource
 * with a JSON patch computed from the current object (no server-side apply).
 */
public final class StatusWriter {
  private static final Logger LOG = LoggerFactory.getLogger(StatusWriter.class);
  private static final int MAX_REMEMBERED_EVENTS = 10_000;

  /**
   * @param publishService "namespace/name" of the Service whose load-balancer address is published
   * @param publishAddresses fixed IPs or host names to publish instead
   * @param ingressStatus write Ingress {@code status.loadBalancer} (off while another controller,
   *     such as ingress-nginx during a migration, writes it for the same Ingresses)
   */
  public record Publish(
      String publishService, List<String> publishAddresses, boolean ingressStatus) {
    public Publish(String publishService, List<String> publishAddresses) {
      this(publishService, publishAddresses, true);
    }
  }

  private final KubernetesClient client;
  private final Publish publish;
  private final Set<String> eventsSent = new HashSet<>();
  private final EventSink events;

  public StatusWriter(KubernetesClient client, Publish publish) {
    this.client = client;
    this.publish = publish;
    this.events = new EventSink(client);
  }

  /**
   * Where AralezRoutes' {@code CertificateReady} comes from: the ACME keeper's view of each route
   * that asks for a certificate (null for the others, which get no such condition).
   */
  public void certificates(java.util.function.Function<ObjectRef, CertificateReport> source) {
    this.certificates = source;
  }

  /** The state of an ACME certificate, as a condition shows it. */
  public record CertificateReport(boolean ready, String reason, String message) {}

  private volatile java.util.function.Function<ObjectRef, CertificateReport> certificates =
      r -> null;

  /**
   * Brings every served object's status in line with {@code result} and the pods' state. The
   * current statuses are read from {@code state} (the informer caches the result was built from),
   * so an unchanged object costs no request at all; only differences are written.
   */
  public synchronized void write(
      BuildResult result, ClusterState state, List<SnapshotStore.PodView> pods) {
    List<LoadBalancerIngress> lb = addresses();
    Map<ObjectRef, Ingress> ingresses = new HashMap<>();
    for (Ingress i : state.ingresses()) {
      ingresses.put(ObjectRef.of(i), i);
    }
    Map<ObjectRef, AralezRoute> routes = new HashMap<>();
    for (AralezRoute r : state.routes()) {
      routes.put(ObjectRef.of(r), r);
    }
    for (Map.Entry<ObjectRef, ObjectStatus> e : result.statuses().entrySet()) {
      ObjectRef ref = e.getKey();
      ObjectStatus st = e.getValue();
      try {
        events(ref, st);
        if (ref.kind().equals("Ingress") && ingresses.containsKey(ref)) {
          if (publish.ingressStatus()) {
            ingress(ref, ingresses.get(ref), st, lb);
          }
        } else if (ref.kind().equals("AralezRoute") && routes.containsKey(ref)) {
          route(ref, routes.get(ref), st, lb, result.version(), pods);
        }
      } catch (KubernetesClientException ex) {
        LOG.warn("status of {} not written: {}", ref, ex.getMessage());
      }
    }
  }

  private void ingress(
      ObjectRef ref, Ingress current, ObjectStatus st, List<LoadBalancerIngress> lb) {
    var res = client.network().v1().ingresses().inNamespace(ref.namespace()).withName(ref.name());
    List<IngressLoadBalancerIngress> want = new ArrayList<>();
    if (st.accepted()) {
      for (LoadBalancerIngress a : lb) {
        want.add(
            new IngressLoadBalancerIngressBuilder()
                .withIp(a.getIp())
                .withHostname(a.getHostname())
                .build());
      }
    }
    List<IngressLoadBalancerIngress> have =
        current.getStatus() == null || current.getStatus().getLoadBalancer() == null
            ? List.of()
            : Objects.requireNonNullElse(
                current.getStatus().getLoadBalancer().getIngress(), List.of());
    if (have.equals(want)) {
      return;
    }
    res.editStatus(
        i -> {
          i.setStatus(
              new io.fabric8.kubernetes.api.model.networking.v1.IngressStatusBuilder()
                  .withLoadBalancer(
                      new IngressLoadBalancerStatusBuilder().withIngress(want).build())
                  .build());
          return i;
        });
    LOG.info("{}: published {}", ref, want.isEmpty() ? "no address" : describe(lb));
  }

  private void route(
      ObjectRef ref,
      AralezRoute current,
      ObjectStatus st,
      List<LoadBalancerIngress> lb,
      String version,
      List<SnapshotStore.PodView> pods) {
    var res = client.resources(AralezRoute.class).inNamespace(ref.namespace()).withName(ref.name());
    int applied = 0;
    String nack = null;
    for (SnapshotStore.PodView p : pods) {
      if (p.appliedVersion().equals(version)) {
        applied++;
      }
      if (p.lastNack() != null) {
        nack = p.nodeId() + ": " + p.lastNack();
      }
    }
    AralezRouteStatus want = new AralezRouteStatus();
    want.observedGeneration = st.generation();
    want.version = version;
    want.dataPlanesConnected = pods.size();
    want.dataPlanesApplied = applied;
    want.lastNack = nack;
    want.loadBalancer = st.accepted() ? lb : List.of();
    String problems = String.join("; ", st.accepted() ? st.warnings() : st.errors());
    AralezRouteStatus have = current.getStatus();
    want.conditions.add(
        condition(
            have,
            "Accepted",
            st.accepted(),
            st.accepted() ? "Accepted" : "Invalid",
            st.accepted() ? "the route is valid" : problems,
            st.generation()));
    want.conditions.add(
        condition(
            have,
            "ResolvedRefs",
            st.resolvedRefs(),
            st.resolvedRefs() ? "ResolvedRefs" : "RefNotFound",
            st.resolvedRefs() ? "every Service and Secret was found" : problems,
            st.generation()));
    boolean programmed = st.accepted() && !pods.isEmpty() && applied == pods.size();
    String reason =
        !st.accepted()
            ? "Invalid"
            : pods.isEmpty()
                ? "NoDataPlanes"
                : nack != null ? "Refused" : programmed ? "Programmed" : "Pending";
    want.conditions.add(
        condition(
            have,
            "Programmed",
            programmed,
            reason,
            applied
                + " of "
                + pods.size()
                + " connected data planes run version "
                + version
                + (nack != null ? "; last refusal: " + nack : ""),
            st.generation()));
    CertificateReport cert = certificates.apply(ref);
    if (cert != null) {
      want.conditions.add(
          condition(
              have,
              "CertificateReady",
              cert.ready(),
              cert.reason(),
              cert.message(),
              st.generation()));
    }
    if (sameStatus(have, want)) {
      return;
    }
    res.editStatus(
        r -> {
          r.setStatus(want);
          return r;
        });
  }

  private static Condition condition(
      AralezRouteStatus have, String type, boolean ok, String reason, String message, long gen) {
    String status = ok ? "True" : "False";
    String since = Instant.EPOCH.toString();
    if (have != null && have.conditions != null) {
      for (Condition c : have.conditions) {
        if (c.getType().equals(type) && c.getStatus().equals(status)) {
          since = c.getLastTransitionTime();
        }
      }
    }
    if (since.equals(Instant.EPOCH.toString())) {
      since = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(gen)
        .withLastTransitionTime(since)
        .build();
  }

  private static boolean sameStatus(AralezRouteStatus a, AralezRouteStatus b) {
    if (a == null) {
      return false;
    }
    return Objects.equals(a.observedGeneration, b.observedGeneration)
        && Objects.equals(a.version, b.version)
        && Objects.equals(a.dataPlanesApplied, b.dataPlanesApplied)
        && Objects.equals(a.dataPlanesConnected, b.dataPlanesConnected)
        && Objects.equals(a.lastNack, b.lastNack)
        && Objects.equals(a.loadBalancer, b.loadBalancer)
        && Objects.equals(a.conditions, b.conditions);
  }

  private void events(ObjectRef ref, ObjectStatus st) {
    List<String> all = new ArrayList<>(st.errors());
    all.addAll(st.warnings());
    for (String message : all) {
      String key = ref + "|" + st.generation() + "|" + message;
      if (eventsSent.size() > MAX_REMEMBERED_EVENTS) {
        // Bounded memory: at worst an old problem is reported once more.
        eventsSent.clear();
      }
      if (!eventsSent.add(key)) {
        continue;
      }
      boolean error = st.errors().contains(message);
      LOG.warn("{}: {}", ref, message);
      events.emit(ref, true, error ? "Invalid" : "Degraded", message);
    }
    for (ObjectStatus.Event e : st.events()) {
      String key = ref + "|" + st.generation() + "|" + e.reason() + "|" + e.message();
      if (eventsSent.size() > MAX_REMEMBERED_EVENTS) {
        eventsSent.clear();
      }
      if (eventsSent.add(key)) {
        if (e.warning()) {
          LOG.warn("{}: {}: {}", ref, e.reason(), e.message());
        }
        events.emit(ref, e.warning(), e.reason(), e.message());
      }
    }
  }

  /** The addresses to publish: the fixed list, else the publish Service's load balancer. */
  private List<LoadBalancerIngress> addresses() {
    List<LoadBalancerIngress> out = new ArrayList<>();
    for (String a : publish.publishAddresses()) {
      boolean ip = a.matches("[0-9.]+") || a.contains(":");
      out.add(
          ip
              ? new LoadBalancerIngressBuilder().withIp(a).build()
              : new LoadBalancerIngressBuilder().withHostname(a).build());
    }
    if (out.isEmpty() && publish.publishService() != null) {
      int slash = publish.publishService().indexOf('/');
      Service svc =
          client
              .services()
              .inNamespace(publish.publishService().substring(0, slash))
              .withName(publish.publishService().substring(slash + 1))
              .get();
      if (svc != null
          && svc.getStatus() != null
          && svc.getStatus().getLoadBalancer() != null
          && svc.getStatus().getLoadBalancer().getIngress() != null) {
        for (LoadBalancerIngress a : svc.getStatus().getLoadBalancer().getIngress()) {
          out.add(
              new LoadBalancerIngressBuilder()
                  .withIp(a.getIp())
                  .withHostname(a.getHostname())
                  .build());
        }
      }
    }
    return out;
  }

  private static String describe(List<LoadBalancerIngress> lb) {
    List<String> s = new ArrayList<>();
    for (LoadBalancerIngress a : lb) {
      s.add(a.getIp() != null ? a.getIp() : a.getHostname());
    }
    return String.join(",", s);
  }
}
