package io.aralez.controller.snapshot;

import static io.aralez.controller.snapshot.NginxCompatTest.N;
import static io.aralez.controller.snapshot.NginxCompatTest.T1;
import static io.aralez.controller.snapshot.NginxCompatTest.T2;
import static io.aralez.controller.snapshot.NginxCompatTest.event;
import static io.aralez.controller.snapshot.NginxCompatTest.nginx;
import static io.aralez.controller.snapshot.NginxCompatTest.nginxClass;
import static io.aralez.controller.snapshot.NginxCompatTest.status;
import static io.aralez.controller.snapshot.Objects.ourClass;
import static io.aralez.controller.snapshot.Objects.p;
import static io.aralez.controller.snapshot.Objects.service;
import static io.aralez.controller.snapshot.Objects.slice;
import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.api.v1.Passthrough;
import io.aralez.controller.snapshot.nginx.NginxSettings;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ssl-passthrough in the pure builder: the controller flag, the backend picked, the conflicts. */
class SslPassthroughTest {
  final List<Ingress> ingresses = new ArrayList<>();

  BuildResult build(boolean flag) {
    NginxSettings on = NginxSettings.on();
    NginxSettings nginx =
        new NginxSettings(
            true, true, on.controllerClass(), on.ingressClass(), on.prefix(), on.configMap(), flag);
    return new SnapshotBuilder(
            new BuilderSettings(BuilderSettings.CONTROLLER_NAME, "aralez", false, nginx))
        .build(
            new ClusterState(
                List.of(ourClass("aralez", false), nginxClass("nginx")),
                ingresses,
                List.of(),
                List.of(service("ns", "web", "http=80"), service("ns", "tls", "https=443")),
                List.of(
                    slice("ns", "web-1", "web", "http=8080", "10.0.0.1"),
                    slice("ns", "tls-1", "tls", "https=8443", "10.0.0.2", "10.0.0.3")),
                List.of(),
                Map.of(),
                List.of()));
  }

  static List<String> passed(BuildResult r) {
    return r.routes().getPassthroughList().stream()
        .map(p -> p.getHost() + " -> " + p.getCluster())
        .toList();
  }

  @Test
  void theRootPathsServiceGetsTheHostsTlsAndPlainHttpIsStillRouted() {
    ingresses.add(
        nginx("argocd", T1)
            .annotation(N + "ssl-passthrough", "true")
            .rule("argocd.test", p("Prefix", "/api", "web", 80), p("Prefix", "/", "tls", 443))
            .build());
    BuildResult r = build(true);
    assertThat(passed(r)).containsExactly("argocd.test -> ns/tls:443");
    // The cluster and its endpoints travel with the snapshot like any route's.
    assertThat(r.endpoints().getClustersList())
        .filteredOn(c -> c.getCluster().equals("ns/tls:443"))
        .singleElement()
        .satisfies(c -> assertThat(c.getEndpointsCount()).isEqualTo(2));
    assertThat(NginxCompatTest.host(r, "argocd.test").getRoutesCount()).isEqualTo(2);
    assertThat(status(r, "argocd").warnings()).isEmpty();
  }

  @Test
  void withoutTheControllerFlagTheAnnotationIsIgnoredWithAnEvent() {
    ingresses.add(
        nginx("argocd", T1)
            .annotation(N + "ssl-passthrough", "true")
            .rule("argocd.test", p("Prefix", "/", "tls", 443))
            .build());
    BuildResult r = build(false);
    assertThat(r.routes().getPassthroughList()).isEmpty();
    assertThat(event(r, "argocd", "NginxAnnotationIgnored"))
        .contains(N + "ssl-passthrough")
        .contains("--enable-ssl-passthrough");
    assertThat(NginxCompatTest.only(r, "argocd.test").getBackendsCount()).isEqualTo(1);
  }

  @Test
  void falseOrAbsentPassesNothingThrough() {
    ingresses.add(
        nginx("off", T1)
            .annotation(N + "ssl-passthrough", "false")
            .rule("off.test", p("Prefix", "/", "tls", 443))
            .build());
    ingresses.add(nginx("plain", T1).rule("plain.test", p("Prefix", "/", "tls", 443)).build());
    assertThat(build(true).routes().getPassthroughList()).isEmpty();
  }

  @Test
  void theDefaultBackendServesAHostWithoutARootPath() {
    ingresses.add(
        nginx("nopath", T1)
            .annotation(N + "ssl-passthrough", "true")
            .defaultBackend("tls", 443)
            .rule("deep.test", p("Prefix", "/deep", "web", 80))
            .build());
    assertThat(passed(build(true))).containsExactly("deep.test -> ns/tls:443");
  }

  @Test
  void theOldestIngressKeepsAHostAndWildcardsCannotBePassedThrough() {
    ingresses.add(
        nginx("newer", T2)
            .annotation(N + "ssl-passthrough", "true")
            .rule("shared.test", p("Prefix", "/", "web", 80))
            .build());
    ingresses.add(
        nginx("older", T1)
            .annotation(N + "ssl-passthrough", "true")
            .rule("shared.test", p("Prefix", "/", "tls", 443))
            .rule("*.wild.test", p("Prefix", "/", "tls", 443))
            .build());
    BuildResult r = build(true);
    assertThat(r.routes().getPassthroughList())
        .extracting(Passthrough::getHost, Passthrough::getCluster)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("shared.test", "ns/tls:443"));
    assertThat(status(r, "newer").warnings())
        .anyMatch(w -> w.contains("shared.test") && w.contains("older Ingress"));
    assertThat(status(r, "older").warnings())
        .anyMatch(w -> w.contains("*.wild.test") && w.contains("exact host"));
  }
}
