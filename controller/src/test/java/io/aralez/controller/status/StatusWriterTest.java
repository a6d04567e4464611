package io.aralez.controller.status;

import static io.aralez.controller.snapshot.Objects.ourClass;
import static io.aralez.controller.snapshot.Objects.p;
import static io.aralez.controller.snapshot.Objects.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.controller.crd.AralezRoute;
import io.aralez.controller.crd.AralezRouteSpec;
import io.aralez.controller.snapshot.BuildResult;
import io.aralez.controller.snapshot.BuilderSettings;
import io.aralez.controller.snapshot.ClusterState;
import io.aralez.controller.snapshot.Objects;
import io.aralez.controller.snapshot.SnapshotBuilder;
import io.aralez.controller.store.SnapshotStore.PodView;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.File;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Status and Events against the fabric8 mock API server (CRUD mode, no server-side apply). */
@EnableKubernetesMockClient(crud = true)
class StatusWriterTest {
  KubernetesClient client;

  @BeforeEach
  void crd() {
    client
        .resource(
            client
                .apiextensions()
                .v1()
                .customResourceDefinitions()
                .load(new File("../crds/aralezroutes.aralez.io-v1.yml"))
                .item())
        .create();
  }

  ClusterState state() {
    return new ClusterState(
        List.of(ourClass("aralez", false)),
        client.network().v1().ingresses().inAnyNamespace().list().getItems(),
        client.resources(AralezRoute.class).inAnyNamespace().list().getItems(),
        List.of(service("ns", "web", "http=80")),
        List.of(),
        List.of());
  }

  @Test
  void publishesTheServiceAddressReportsConditionsAndNacksAndWritesOnlyChanges() {
    Service lb = service("aralez", "proxy", "http=80");
    lb = client.resource(lb).create();
    lb.setStatus(
        new io.fabric8.kubernetes.api.model.ServiceStatusBuilder()
            .withNewLoadBalancer()
            .withIngress(new LoadBalancerIngressBuilder().withHostname("lb.example.com").build())
            .endLoadBalancer()
            .build());
    client.resource(lb).updateStatus();
    client
        .resource(
            new Objects.Ing("ns", "app", "2026-01-01T00:00:00Z")
                .rule("a.example.com", p("Prefix", "/", "web", 80))
                .build())
        .create();
    client
        .resource(
            new Objects.Ing("ns", "bad", "2026-01-01T00:00:00Z")
                .annotation("aralez.io/rate-limit-rps", "x")
                .rule("b.example.com", p("Prefix", "/", "web", 80))
                .build())
        .create();
    AralezRouteSpec spec = new AralezRouteSpec();
    spec.hostnames = List.of("r.example.com");
    AralezRouteSpec.Rule rule = new AralezRouteSpec.Rule();
    AralezRouteSpec.Backend b = new AralezRouteSpec.Backend();
    b.service = new AralezRouteSpec.ServiceRef();
    b.service.name = "missing";
    b.service.port = new AralezRouteSpec.Port();
    b.service.port.number = 80;
    rule.backends.add(b);
    spec.routes = List.of(rule);
    client.resource(Objects.route("ns", "r", "2026-01-01T00:00:00Z", spec)).create();

    StatusWriter writer =
        new StatusWriter(client, new StatusWriter.Publish("aralez/proxy", List.of()));
    ClusterState state = state();
    BuildResult result = new SnapshotBuilder(BuilderSettings.defaults()).build(state);
    List<PodView> pods =
        List.of(
            new PodView("dp-0", result.version(), null),
            new PodView("dp-1", "old.version", "bad host"));
    writer.write(result, state, pods);

    Ingress app = client.network().v1().ingresses().inNamespace("ns").withName("app").get();
    assertThat(app.getStatus().getLoadBalancer().getIngress().get(0).getHostname())
        .isEqualTo("lb.example.com");
    Ingress bad = client.network().v1().ingresses().inNamespace("ns").withName("bad").get();
    assertThat(
            bad.getStatus() == null
                || bad.getStatus().getLoadBalancer() == null
                || bad.getStatus().getLoadBalancer().getIngress() == null
                || bad.getStatus().getLoadBalancer().getIngress().isEmpty())
        .as("an Ingress left out publishes no address")
        .isTrue();
    assertThat(client.v1().events().inNamespace("ns").list().getItems())
        .anyMatch(
            e -> e.getInvolvedObject().getName().equals("bad") && e.getType().equals("Warning"))
        .anyMatch(
            e -> e.getInvolvedObject().getName().equals("r") && e.getMessage().contains("missing"));

    AralezRoute r = client.resources(AralezRoute.class).inNamespace("ns").withName("r").get();
    assertThat(r.getStatus().observedGeneration).isEqualTo(r.getMetadata().getGeneration());
    assertThat(r.getStatus().dataPlanesConnected).isEqualTo(2);
    assertThat(r.getStatus().dataPlanesApplied).isEqualTo(1);
    assertThat(r.getStatus().lastNack).isEqualTo("dp-1: bad host");
    assertThat(r.getStatus().conditions)
        .extracting(Condition::getType, Condition::getStatus, Condition::getReason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("Accepted", "True", "Accepted"),
            org.assertj.core.groups.Tuple.tuple("ResolvedRefs", "False", "RefNotFound"),
            org.assertj.core.groups.Tuple.tuple("Programmed", "False", "Refused"));

    // Nothing changed: nothing is written (the resourceVersions stay).
    String appVersion = app.getMetadata().getResourceVersion();
    String routeVersion = r.getMetadata().getResourceVersion();
    int events = client.v1().events().inNamespace("ns").list().getItems().size();
    ClusterState again = state();
    writer.write(result, again, pods);
    assertThat(
            client
                .network()
                .v1()
                .ingresses()
                .inNamespace("ns")
                .withName("app")
                .get()
                .getMetadata()
                .getResourceVersion())
        .isEqualTo(appVersion);
    assertThat(
            client
                .resources(AralezRoute.class)
                .inNamespace("ns")
                .withName("r")
                .get()
                .getMetadata()
                .getResourceVersion())
        .isEqualTo(routeVersion);
    assertThat(client.v1().events().inNamespace("ns").list().getItems()).hasSize(events);

    // Both data planes on the version: Programmed turns True (and only then).
    writer.write(
        result,
        again,
        List.of(
            new PodView("dp-0", result.version(), null),
            new PodView("dp-1", result.version(), null)));
    r = client.resources(AralezRoute.class).inNamespace("ns").withName("r").get();
    assertThat(r.getStatus().conditions)
        .filteredOn(c -> c.getType().equals("Programmed"))
        .extracting(Condition::getStatus)
        .containsExactly("True");
  }

  @Test
  void withoutIngressStatusOnlyEventsAreWritten() {
    Service lb = client.resource(service("aralez", "proxy", "http=80")).create();
    lb.setStatus(
        new io.fabric8.kubernetes.api.model.ServiceStatusBuilder()
            .withNewLoadBalancer()
            .withIngress(new LoadBalancerIngressBuilder().withHostname("lb.example.com").build())
            .endLoadBalancer()
            .build());
    client.resource(lb).updateStatus();
    client
        .resource(
            new Objects.Ing("ns", "shared", "2026-01-01T00:00:00Z")
                .annotation("aralez.io/no-such-key", "x")
                .rule("s.example.com", p("Prefix", "/", "web", 80))
                .build())
        .create();
    // --update-status=false: ingress-nginx still owns status.loadBalancer during the overlap.
    StatusWriter writer =
        new StatusWriter(client, new StatusWriter.Publish("aralez/proxy", List.of(), false));
    ClusterState state = state();
    writer.write(new SnapshotBuilder(BuilderSettings.defaults()).build(state), state, List.of());
    Ingress shared = client.network().v1().ingresses().inNamespace("ns").withName("shared").get();
    assertThat(shared.getStatus() == null || shared.getStatus().getLoadBalancer() == null)
        .as("no address published")
        .isTrue();
    assertThat(client.v1().events().inNamespace("ns").list().getItems())
        .anyMatch(e -> e.getInvolvedObject().getName().equals("shared"));
  }
}
