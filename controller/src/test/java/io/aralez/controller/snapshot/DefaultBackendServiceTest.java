package io.aralez.controller.snapshot;

import static io.aralez.controller.snapshot.NginxCompatTest.N;
import static io.aralez.controller.snapshot.NginxCompatTest.T1;
import static io.aralez.controller.snapshot.NginxCompatTest.T2;
import static io.aralez.controller.snapshot.NginxCompatTest.host;
import static io.aralez.controller.snapshot.NginxCompatTest.nginx;
import static io.aralez.controller.snapshot.NginxCompatTest.nginxClass;
import static io.aralez.controller.snapshot.NginxCompatTest.only;
import static io.aralez.controller.snapshot.Objects.ourClass;
import static io.aralez.controller.snapshot.Objects.p;
import static io.aralez.controller.snapshot.Objects.service;
import static io.aralez.controller.snapshot.Objects.slice;
import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.api.v1.Route;
import io.aralez.controller.snapshot.nginx.NginxSettings;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code --default-backend-service}: the catch-all for requests no Ingress takes, and the target of
 * custom-http-errors (the annotation, or ingress-nginx's ConfigMap list) without a default-backend.
 */
class DefaultBackendServiceTest {
  final List<Ingress> ingresses = new ArrayList<>();
  final Map<String, String> config = new HashMap<>();
  String global = "edge/fallback";

  BuildResult build() {
    NginxSettings on = NginxSettings.on();
    NginxSettings nginx =
        new NginxSettings(
            true,
            true,
            on.controllerClass(),
            on.ingressClass(),
            on.prefix(),
            "ingress-nginx/ingress-nginx-controller",
            false);
    return new SnapshotBuilder(
            new BuilderSettings(BuilderSettings.CONTROLLER_NAME, "aralez", false, nginx, global))
        .build(
            new ClusterState(
                List.of(ourClass("aralez", false), nginxClass("nginx")),
                ingresses,
                List.of(),
                List.of(
                    service("ns", "web", "http=80"),
                    service("ns", "own-errors", "http=80"),
                    service("edge", "fallback", "http=8080")),
                List.of(
                    slice("ns", "web-1", "web", "http=8080", "10.0.0.1"),
                    slice("ns", "own-1", "own-errors", "http=8080", "10.0.0.2"),
                    slice("edge", "fallback-1", "fallback", "http=8080", "10.0.0.9")),
                List.of(),
                config,
                List.of()));
  }

  static List<String> paths(BuildResult r, String h) {
    return host(r, h).getRoutesList().stream()
        .map(x -> x.getPath().getValue() + " -> " + x.getBackends(0).getCluster())
        .toList();
  }

  @Test
  void unknownHostsAndUnmatchedPathsGoToTheServicesFirstPort() {
    ingresses.add(nginx("shop", T1).rule("shop.test", p("Prefix", "/cart", "web", 80)).build());
    BuildResult r = build();
    assertThat(paths(r, "DEFAULT")).containsExactly("/ -> edge/fallback:8080");
    assertThat(paths(r, "shop.test"))
        .containsExactlyInAnyOrder("/cart -> ns/web:80", "/ -> edge/fallback:8080");
  }

  @Test
  void anIngressDefaultBackendWinsAndAMissingServiceIsReported() {
    ingresses.add(nginx("catchall", T2).defaultBackend("web", 80).build());
    assertThat(paths(build(), "DEFAULT")).containsExactly("/ -> ns/web:80");
    ingresses.clear();
    global = "edge/nowhere";
    BuildResult r = build();
    assertThat(r.routes().getVirtualHostsList()).isEmpty();
    assertThat(r.statuses().get(new ObjectRef("Service", "edge", "nowhere")).warnings())
        .anyMatch(w -> w.contains("--default-backend-service edge/nowhere"));
  }

  @Test
  void theConfigMapsCustomHttpErrorsGoToTheGlobalBackendOnlyForErrors() {
    config.put("custom-http-errors", "404,503");
    ingresses.add(nginx("plain", T1).rule("plain.test", p("Prefix", "/", "web", 80)).build());
    ingresses.add(
        nginx("own", T1)
            .annotation(N + "custom-http-errors", "500")
            .annotation(N + "default-backend", "own-errors")
            .rule("own.test", p("Prefix", "/", "web", 80))
            .build());
    ingresses.add(
        nginx("optout", T1)
            .annotation(N + "disable-proxy-intercept-errors", "true")
            .rule("optout.test", p("Prefix", "/", "web", 80))
            .build());
    BuildResult r = build();
    Route plain = only(r, "plain.test");
    assertThat(plain.getRules().getInterceptCodesList()).containsExactly(404, 503);
    assertThat(plain.getFallbackBackends(0).getCluster()).isEqualTo("edge/fallback:8080");
    assertThat(plain.getFallbackErrorsOnly())
        .as("a Service without endpoints still answers 503, as in ingress-nginx")
        .isTrue();
    assertThat(plain.getFallbackHeadersList())
        .extracting(h -> h.getName() + ": " + h.getValue())
        .contains("X-Service-Name: web", "X-Ingress-Name: plain", "X-Namespace: ns");
    Route own = only(r, "own.test");
    assertThat(own.getRules().getInterceptCodesList()).containsExactly(500);
    assertThat(own.getFallbackBackends(0).getCluster()).isEqualTo("ns/own-errors:80");
    assertThat(own.getFallbackErrorsOnly()).isFalse();
    assertThat(only(r, "optout.test").getRules().getInterceptCodesList()).isEmpty();
    assertThat(NginxCompatTest.event(r, "optout", "NginxAnnotationIgnored")).isNull();
  }

  @Test
  void withoutAGlobalBackendTheConfigMapListNeedsTheIngressesOwn() {
    global = null;
    config.put("custom-http-errors", "404");
    ingresses.add(nginx("plain", T1).rule("plain.test", p("Prefix", "/", "web", 80)).build());
    ingresses.add(
        nginx("annotated", T1)
            .annotation(N + "custom-http-errors", "503")
            .rule("annotated.test", p("Prefix", "/", "web", 80))
            .build());
    BuildResult r = build();
    Route plain = only(r, "plain.test");
    assertThat(plain.getRules().getInterceptCodesList()).isEmpty();
    assertThat(plain.getFallbackBackendsList()).isEmpty();
    assertThat(NginxCompatTest.event(r, "annotated", "NginxAnnotationIgnored"))
        .contains("--default-backend-service");
    var cm =
        r.statuses().get(new ObjectRef("ConfigMap", "ingress-nginx", "ingress-nginx-controller"));
    assertThat(cm.events())
        .anyMatch(
            e ->
                e.reason().equals("NginxConfigPartial")
                    && e.message().contains("custom-http-errors"));
  }
}
