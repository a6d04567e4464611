package io.aralez.controller.snapshot;

import static io.aralez.controller.snapshot.Objects.foreignClass;
import static io.aralez.controller.snapshot.Objects.ourClass;
import static io.aralez.controller.snapshot.Objects.p;
import static io.aralez.controller.snapshot.Objects.secret;
import static io.aralez.controller.snapshot.Objects.service;
import static io.aralez.controller.snapshot.Objects.slice;
import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.api.v1.Auth;
import io.aralez.api.v1.Endpoint;
import io.aralez.api.v1.PathMatch;
import io.aralez.api.v1.Route;
import io.aralez.api.v1.VirtualHost;
import io.aralez.controller.crd.AralezRoute;
import io.aralez.controller.crd.AralezRouteSpec;
import io.aralez.controller.snapshot.Objects.Ing;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Table tests of the pure builder: Ingress semantics (§1.2–§1.9) and AralezRoute. */
class SnapshotBuilderTest {
  static final String T1 = "2026-01-01T00:00:00Z";
  static final String T2 = "2026-01-02T00:00:00Z";
  static final String T3 = "2026-01-03T00:00:00Z";

  final SnapshotBuilder builder = new SnapshotBuilder(BuilderSettings.defaults());
  final List<IngressClass> classes = new ArrayList<>(List.of(ourClass("aralez", false)));
  final List<Ingress> ingresses = new ArrayList<>();
  final List<AralezRoute> routes = new ArrayList<>();
  final List<Service> services =
      new ArrayList<>(List.of(service("ns", "web", "http=80"), service("ns", "api", "=8080")));
  final List<EndpointSlice> slices =
      new ArrayList<>(
          List.of(
              slice("ns", "web-1", "web", "http=8080", "10.0.0.1", "10.0.0.2"),
              slice("ns", "api-1", "api", "=9090", "10.0.1.1")));
  final List<Secret> secrets = new ArrayList<>();

  BuildResult build() {
    return builder.build(new ClusterState(classes, ingresses, routes, services, slices, secrets));
  }

  static VirtualHost host(BuildResult r, String name) {
    return r.routes().getVirtualHostsList().stream()
        .filter(v -> v.getName().equals(name))
        .findFirst()
        .orElse(null);
  }

  static List<String> paths(VirtualHost vh) {
    return vh.getRoutesList().stream()
        .map(r -> r.getPath().getType() + " " + r.getPath().getValue())
        .toList();
  }

  static List<String> addresses(BuildResult r, String cluster) {
    return r.endpoints().getClustersList().stream()
        .filter(c -> c.getCluster().equals(cluster))
        .flatMap(c -> c.getEndpointsList().stream())
        .map(Endpoint::getAddress)
        .toList();
  }

  @Test
  void pathTypesMapToExactAndPrefixWithTrailingSlashIgnoredForPrefix() {
    ingresses.add(
        new Ing("ns", "a", T1)
            .rule(
                "foo.example.com",
                p("Exact", "/exact/", "web", 80),
                p("Prefix", "/pre/", "web", 80),
                p("ImplementationSpecific", "/impl", "web", 80),
                p("Prefix", "/", "web", 80))
            .build());
    BuildResult r = build();
    assertThat(paths(host(r, "foo.example.com")))
        .containsExactlyInAnyOrder("EXACT /exact/", "PREFIX /pre", "PREFIX /impl", "PREFIX /");
    assertThat(r.statuses().values()).allMatch(ObjectStatus::accepted);
  }

  @Test
  void exactAndPrefixOfTheSamePathAreBothKept() {
    ingresses.add(
        new Ing("ns", "a", T1)
            .rule("h.example.com", p("Prefix", "/foo", "web", 80), p("Exact", "/foo", "api", 8080))
            .build());
    assertThat(paths(host(build(), "h.example.com")))
        .containsExactlyInAnyOrder("EXACT /foo", "PREFIX /foo");
  }

  @Test
  void portByNameGoesThroughTheServicePortToTheSlicePortOfThatName() {
    ingresses.add(
        new Ing("ns", "a", T1).rule("h.example.com", p("Prefix", "/", "web", "http")).build());
    BuildResult r = build();
    assertThat(r.routes().getClusters(0).getName()).isEqualTo("ns/web:80");
    assertThat(r.endpoints().getClusters(0).getEndpointsList())
        .extracting(Endpoint::getAddress, Endpoint::getPort)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("10.0.0.1", 8080),
            org.assertj.core.groups.Tuple.tuple("10.0.0.2", 8080));
  }

  @Test
  void unnamedSinglePortServiceByNumber() {
    ingresses.add(
        new Ing("ns", "a", T1).rule("h.example.com", p("Prefix", "/", "api", 8080)).build());
    assertThat(addresses(build(), "ns/api:8080")).containsExactly("10.0.1.1");
  }

  @Test
  void onlyReadyNonTerminatingEndpointsAcrossSlices() {
    slices.add(slice("ns", "web-2", "web", "http=8080", "10.0.0.3!", "10.0.0.4~", "10.0.0.5"));
    ingresses.add(
        new Ing("ns", "a", T1).rule("h.example.com", p("Prefix", "/", "web", 80)).build());
    assertThat(addresses(build(), "ns/web:80")).containsExactly("10.0.0.1", "10.0.0.2", "10.0.0.5");
  }

  @Test
  void missingServiceOrPortAnswers503AndIsReportedNotFatal() {
    ingresses.add(
        new Ing("ns", "a", T1)
            .rule("h.example.com", p("Prefix", "/gone", "nope", 80), p("Prefix", "/bad", "web", 81))
            .build());
    BuildResult r = build();
    assertThat(host(r, "h.example.com").getRoutesList())
        .allMatch(rt -> rt.getDirectStatus() == 503 && rt.getBackendsCount() == 0);
    ObjectStatus st = r.statuses().values().iterator().next();
    assertThat(st.accepted()).isTrue();
    assertThat(st.resolvedRefs()).isFalse();
    assertThat(st.warnings()).anyMatch(w -> w.contains("ns/nope not found"));
    assertThat(st.warnings()).anyMatch(w -> w.contains("has no port 81"));
  }

  @Test
  void oldestIngressWinsAnIdenticalHostAndPathThenNamespaceName() {
    ingresses.add(
        new Ing("ns", "young", T2).rule("h.example.com", p("Prefix", "/x", "api", 8080)).build());
    ingresses.add(
        new Ing("ns", "old", T1).rule("h.example.com", p("Prefix", "/x/", "web", 80)).build());
    ingresses.add(
        new Ing("ns", "b-tie", T3).rule("t.example.com", p("Prefix", "/", "api", 8080)).build());
    ingresses.add(
        new Ing("ns", "a-tie", T3).rule("t.example.com", p("Prefix", "/", "web", 80)).build());
    BuildResult r = build();
    assertThat(host(r, "h.example.com").getRoutes(0).getBackends(0).getCluster())
        .isEqualTo("ns/web:80");
    assertThat(host(r, "t.example.com").getRoutes(0).getBackends(0).getCluster())
        .isEqualTo("ns/web:80");
    assertThat(r.statuses().get(new ObjectRef("Ingress", "ns", "young")).warnings())
        .anyMatch(w -> w.contains("already served by Ingress ns/old"));
  }

  @Test
  void ingressesOfOtherClassesAndBeingDeletedAreIgnored() {
    classes.add(foreignClass("nginx"));
    ingresses.add(
        new Ing("ns", "theirs", T1)
            .className("nginx")
            .rule("a.example.com", p("Prefix", "/", "web", 80))
            .build());
    ingresses.add(
        new Ing("ns", "unknown", T1)
            .className("missing")
            .rule("b.example.com", p("Prefix", "/", "web", 80))
            .build());
    ingresses.add(
        new Ing("ns", "gone", T1)
            .deleting()
            .rule("c.example.com", p("Prefix", "/", "web", 80))
            .build());
    ingresses.add(
        new Ing("ns", "noclass", T1)
            .className(null)
            .rule("d.example.com", p("Prefix", "/", "web", 80))
            .build());
    BuildResult r = build();
    assertThat(r.routes().getVirtualHostsList()).isEmpty();
    assertThat(r.statuses()).isEmpty();
  }

  @Test
  void legacyAnnotationAndDefaultClassSelectClasslessIngresses() {
    ingresses.add(
        new Ing("ns", "legacy", T1)
            .className(null)
            .annotation("kubernetes.io/ingress.class", "aralez")
            .rule("a.example.com", p("Prefix", "/", "web", 80))
            .build());
    ingresses.add(
        new Ing("ns", "legacy-other", T1)
            .className(null)
            .annotation("kubernetes.io/ingress.class", "nginx")
            .rule("b.example.com", p("Prefix", "/", "web", 80))
            .build());
    ingresses.add(
        new Ing("ns", "classless", T1)
            .className(null)
            .rule("c.example.com", p("Prefix", "/", "web", 80))
            .build());
    assertThat(build().routes().getVirtualHostsList())
        .extracting(VirtualHost::getName)
        .containsExactly("a.example.com");
    classes.set(0, ourClass("aralez", true));
    assertThat(build().routes().getVirtualHostsList())
        .extracting(VirtualHost::getName)
        .containsExactly("a.example.com", "c.example.com");
  }

  @Test
  void rulesWithoutHostGoToDefaultAndWildcardsAreKept() {
    ingresses.add(
        new Ing("ns", "a", T1)
            .rule(null, p("Prefix", "/any", "web", 80))
            .rule("*.example.com", p("Prefix", "/", "api", 8080))
            .build());
    BuildResult r = build();
    assertThat(paths(host(r, "DEFAULT"))).containsExactly("PREFIX /any");
    assertThat(host(r, "*.example.com")).isNotNull();
  }

  @Test
  void invalidWildcardOrPathMakesOnlyThatIngressUnprogrammed() {
    ingresses.add(new Ing("ns", "bad-host", T1).rule("*", p("Prefix", "/", "web", 80)).build());
    ingresses.add(
        new Ing("ns", "bad-path", T1)
            .rule("x.example.com", p("Prefix", "/a b{", "web", 80))
            .build());
    ingresses.add(
        new Ing("ns", "deep-wildcard", T1)
            .rule("*.*.example.com", p("Prefix", "/", "web", 80))
            .build());
    ingresses.add(
        new Ing("ns", "good", T2).rule("ok.example.com", p("Prefix", "/", "web", 80)).build());
    BuildResult r = build();
    assertThat(r.routes().getVirtualHostsList())
        .extracting(VirtualHost::getName)
        .containsExactly("ok.example.com");
    assertThat(r.statuses().get(new ObjectRef("Ingress", "ns", "bad-host")).accepted()).isFalse();
    assertThat(r.statuses().get(new ObjectRef("Ingress", "ns", "bad-path")).errors())
        .anyMatch(e -> e.contains("a b{"));
    assertThat(r.statuses().get(new ObjectRef("Ingress", "ns", "deep-wildcard")).accepted())
        .isFalse();
    assertThat(r.statuses().get(new ObjectRef("Ingress", "ns", "good")).accepted()).isTrue();
  }

  @Test
  void defaultBackendTakesWhatNoPathOfAMatchedHostTakesOldestWins() {
    ingresses.add(new Ing("ns", "catchall", T1).defaultBackend("api", 8080).build());
    ingresses.add(
        new Ing("ns", "later", T2)
            .defaultBackend("web", 80)
            .rule("h.example.com", p("Prefix", "/app", "web", 80))
            .build());
    BuildResult r = build();
    assertThat(paths(host(r, "DEFAULT"))).containsExactly("PREFIX /");
    assertThat(host(r, "DEFAULT").getRoutes(0).getBackends(0).getCluster())
        .isEqualTo("ns/api:8080");
    assertThat(paths(host(r, "h.example.com")))
        .containsExactlyInAnyOrder("PREFIX /app", "PREFIX /");
    assertThat(r.statuses().get(new ObjectRef("Ingress", "ns", "later")).warnings())
        .anyMatch(w -> w.contains("defaultBackend ignored"));
  }

  @Test
  void noDefaultBackendMeansNoCatchAll() {
    ingresses.add(
        new Ing("ns", "a", T1).rule("h.example.com", p("Prefix", "/app", "web", 80)).build());
    BuildResult r = build();
    assertThat(host(r, "DEFAULT")).isNull();
    assertThat(paths(host(r, "h.example.com"))).containsExactly("PREFIX /app");
  }

  static String resource(String name) {
    try (var in = SnapshotBuilderTest.class.getResourceAsStream("/tls/" + name)) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void tlsFromSpecTlsSecretsBySniNameAndABrokenOrMissingSecretIsAWarning() {
    secrets.add(
        secret(
            "ns",
            "cert",
            "kubernetes.io/tls",
            Map.of("tls.crt", resource("a.crt"), "tls.key", resource("a.key"))));
    secrets.add(
        secret(
            "ns",
            "mismatch",
            "kubernetes.io/tls",
            Map.of("tls.crt", resource("a.crt"), "tls.key", resource("other.key"))));
    secrets.add(
        secret(
            "ns",
            "garbage",
            "kubernetes.io/tls",
            Map.of(
                "tls.crt",
                "-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n",
                "tls.key",
                "-----BEGIN PRIVATE KEY-----\nY\n-----END PRIVATE KEY-----\n")));
    ingresses.add(
        new Ing("ns", "a", T1)
            .tls("cert", "a.example.com")
            .tls("missing", "b.example.com")
            .tls("mismatch", "c.example.com")
            .tls("garbage", "d.example.com")
            .rule("a.example.com", p("Prefix", "/", "web", 80))
            .rule("b.example.com", p("Prefix", "/", "web", 80))
            .build());
    BuildResult r = build();
    assertThat(r.routes().getCertificatesList()).hasSize(1);
    assertThat(r.routes().getCertificates(0).getServerNamesList()).containsExactly("a.example.com");
    ObjectStatus st = r.statuses().values().iterator().next();
    assertThat(st.accepted()).isTrue();
    assertThat(st.warnings()).anyMatch(w -> w.contains("ns/missing not found"));
    assertThat(st.warnings())
        .anyMatch(w -> w.contains("ns/mismatch") && w.contains("does not belong"));
    assertThat(st.warnings()).anyMatch(w -> w.contains("ns/garbage is unusable"));
    assertThat(host(r, "b.example.com")).isNotNull();
  }

  @Test
  void whatEveryDataPlaneWouldRefuseIsStoppedAtTheObjectThatHasIt() {
    services.add(service("ns", "grpc", "grpc=50051/h2c"));
    secrets.add(secret("ns", "users", "Opaque", Map.of("auth", "alice:$2y$10$abc\nnot a line\n")));
    slices.add(slice("ns", "web-bad", "web", "http=8080", "not-an-ip", "10.0.0.9"));
    AralezRouteSpec spec = new AralezRouteSpec();
    spec.hostnames = List.of("mixed.example.com");
    AralezRouteSpec.Rule rule = new AralezRouteSpec.Rule();
    rule.backends.add(backend("web", 80, 1));
    rule.backends.add(backend("grpc", 50051, 1));
    spec.routes = List.of(rule);
    routes.add(Objects.route("ns", "mixed", T1, spec));
    ingresses.add(
        new Ing("ns", "auth", T1)
            .annotation("aralez.io/auth-type", "basic")
            .annotation("aralez.io/auth-secret", "users")
            .rule("a.example.com", p("Prefix", "/", "web", 80))
            .build());
    BuildResult r = build();
    ObjectStatus mixed = r.statuses().get(new ObjectRef("AralezRoute", "ns", "mixed"));
    assertThat(mixed.accepted()).isFalse();
    assertThat(mixed.errors()).anyMatch(e -> e.contains("different protocols"));
    assertThat(host(r, "a.example.com").getRoutes(0).getPolicy().getAuth().getCredentialsList())
        .containsExactly("alice:$2y$10$abc");
    assertThat(r.statuses().get(new ObjectRef("Ingress", "ns", "auth")).warnings())
        .anyMatch(w -> w.contains("not user:hash"));
    assertThat(addresses(r, "ns/web:80")).contains("10.0.0.9").doesNotContain("not-an-ip");
  }

  @Test
  void annotationsAreTypedAndAnInvalidOneIsolatesItsIngress() {
    secrets.add(
        secret("ns", "users", "Opaque", Map.of("auth", "alice:$2y$10$abcdefghijklmnopqrstuv\n")));
    ingresses.add(
        new Ing("ns", "good", T1)
            .annotation("aralez.io/rate-limit-rps", "50")
            .annotation("aralez.io/auth-type", "basic")
            .annotation("aralez.io/auth-secret", "users")
            .annotation("aralez.io/request-headers", "X-A: 1\nX-B: two")
            .annotation("aralez.io/affinity", "cookie")
            .annotation("aralez.io/session-cookie-max-age", "48h")
            .annotation("aralez.io/backend-protocol", "GRPC")
            .annotation("aralez.io/force-ssl-redirect", "true")
            .annotation("aralez.io/ssl-redirect-code", "308")
            .annotation("aralez.io/frobnicate", "1")
            .annotation("aralez.io/connect-timeout", "2s")
            .annotation("aralez.io/read-timeout", "1m30s")
            .annotation("aralez.io/connect-attempts", "3")
            .annotation("aralez.io/max-connections", "16")
            .annotation("aralez.io/queue-size", "0")
            .annotation("aralez.io/queue-timeout", "250ms")
            .rule("g.example.com", p("Prefix", "/", "web", 80))
            .build());
    ingresses.add(
        new Ing("ns", "bad", T1)
            .annotation("aralez.io/rate-limit-rps", "lots")
            .rule("b.example.com", p("Prefix", "/", "web", 80))
            .build());
    ingresses.add(
        new Ing("ns", "slow", T1)
            .annotation("aralez.io/read-timeout", "2h")
            .rule("t.example.com", p("Prefix", "/", "web", 80))
            .build());
    ingresses.add(
        new Ing("ns", "snippet", T1)
            .annotation("aralez.io/request-headers", "Host: evil")
            .rule("s.example.com", p("Prefix", "/", "web", 80))
            .build());
    BuildResult r = build();
    assertThat(r.routes().getVirtualHostsList())
        .extracting(VirtualHost::getName)
        .containsExactly("g.example.com");
    Route g = host(r, "g.example.com").getRoutes(0);
    assertThat(g.getPolicy().getRateLimitRps()).isEqualTo(50);
    assertThat(g.getPolicy().getAuth().getType()).isEqualTo(Auth.Type.BASIC);
    assertThat(g.getPolicy().getAuth().getCredentialsList())
        .containsExactly("alice:$2y$10$abcdefghijklmnopqrstuv");
    assertThat(g.getPolicy().getRequestHeadersList()).hasSize(2);
    assertThat(g.getPolicy().getSticky().getMaxAgeSeconds()).isEqualTo(48 * 3600);
    assertThat(g.getHttpsRedirect()).isTrue();
    assertThat(g.getPolicy().getRedirectCode()).isEqualTo(308);
    assertThat(g.getPolicy().getConnectTimeoutMs()).isEqualTo(2000);
    assertThat(g.getPolicy().getReadTimeoutMs()).isEqualTo(90_000);
    assertThat(g.getPolicy().getConnectAttempts()).isEqualTo(3);
    assertThat(g.getPolicy().getMaxConnections()).isEqualTo(16);
    assertThat(g.getPolicy().hasQueueSize()).as("0 is set: no queue").isTrue();
    assertThat(g.getPolicy().getQueueSize()).isZero();
    assertThat(g.getPolicy().getQueueTimeoutMs()).isEqualTo(250);
    assertThat(r.routes().getClusters(0).getName()).isEqualTo("ns/web:80/H2C");
    assertThat(r.statuses().get(new ObjectRef("Ingress", "ns", "good")).warnings())
        .anyMatch(w -> w.contains("aralez.io/frobnicate"));
    assertThat(r.statuses().get(new ObjectRef("Ingress", "ns", "bad")).errors())
        .anyMatch(e -> e.contains("rate-limit-rps") && e.contains("lots"));
    assertThat(r.statuses().get(new ObjectRef("Ingress", "ns", "snippet")).accepted()).isFalse();
    assertThat(r.statuses().get(new ObjectRef("Ingress", "ns", "slow")).errors())
        .anyMatch(e -> e.contains("longer than 1h"));
  }

  @Test
  void sslRedirectAppliesOnlyToHostsWithTls() {
    ingresses.add(
        new Ing("ns", "a", T1)
            .annotation("aralez.io/ssl-redirect", "true")
            .tls("none", "a.example.com")
            .rule("a.example.com", p("Prefix", "/", "web", 80))
            .rule("b.example.com", p("Prefix", "/", "web", 80))
            .build());
    BuildResult r = build();
    assertThat(host(r, "a.example.com").getRoutes(0).getHttpsRedirect()).isTrue();
    assertThat(host(r, "b.example.com").getRoutes(0).getHttpsRedirect()).isFalse();
  }

  @Test
  void authWithAnUnreadableSecretFailsClosed() {
    ingresses.add(
        new Ing("ns", "a", T1)
            .annotation("aralez.io/auth-type", "apikey")
            .annotation("aralez.io/auth-secret", "absent")
            .rule("h.example.com", p("Prefix", "/", "web", 80))
            .build());
    Route rt = host(build(), "h.example.com").getRoutes(0);
    assertThat(rt.getPolicy().getAuth().getCredentialsList()).containsExactly("");
  }

  @Test
  void sameInputInAnyOrderGivesTheSameBytesAndVersion() {
    ingresses.add(
        new Ing("ns", "a", T1)
            .rule("a.example.com", p("Prefix", "/", "web", 80), p("Exact", "/e", "api", 8080))
            .build());
    ingresses.add(
        new Ing("ns", "b", T2)
            .rule("b.example.com", p("Prefix", "/x", "api", 8080))
            .defaultBackend("web", 80)
            .build());
    slices.add(slice("ns", "web-2", "web", "http=8080", "10.0.0.9", "10.0.0.3"));
    BuildResult first = build();
    Random rnd = new Random(7);
    for (int i = 0; i < 5; i++) {
      Collections.shuffle(ingresses, rnd);
      Collections.shuffle(slices, rnd);
      Collections.shuffle(services, rnd);
      BuildResult again = build();
      assertThat(again.version()).isEqualTo(first.version());
      assertThat(again.routes().toByteArray()).isEqualTo(first.routes().toByteArray());
    }
  }

  @Test
  void anEndpointsOnlyRebuildGivesTheBytesOfAFullBuild() {
    ingresses.add(
        new Ing("ns", "a", T1)
            .rule("a.example.com", p("Prefix", "/", "web", 80), p("Prefix", "/api", "api", 8080))
            .build());
    ingresses.add(
        new Ing("ns", "b", T2).rule("b.example.com", p("Prefix", "/", "web", "http")).build());
    BuildResult before = build();
    slices.add(slice("ns", "web-2", "web", "http=8080", "10.0.0.7", "10.0.0.8~", "10.0.0.9!"));
    slices.removeIf(s -> s.getMetadata().getName().equals("api-1"));
    BuildResult full = build();
    BuildResult fast = builder.withEndpoints(before, slices);
    assertThat(fast.version()).isEqualTo(full.version());
    assertThat(fast.endpoints().toByteArray()).isEqualTo(full.endpoints().toByteArray());
    assertThat(fast.routes()).isSameAs(before.routes());
    assertThat(addresses(fast, "ns/web:80")).containsExactly("10.0.0.1", "10.0.0.2", "10.0.0.7");
    assertThat(addresses(fast, "ns/api:8080")).isEmpty();
  }

  @Test
  void endpointChangeMovesOnlyTheEndpointsVersion() {
    ingresses.add(
        new Ing("ns", "a", T1).rule("a.example.com", p("Prefix", "/", "web", 80)).build());
    BuildResult before = build();
    slices.add(slice("ns", "web-2", "web", "http=8080", "10.0.0.7"));
    BuildResult after = build();
    assertThat(after.routesVersion()).isEqualTo(before.routesVersion());
    assertThat(after.endpointsVersion()).isNotEqualTo(before.endpointsVersion());
  }

  // ------------------------------------------------------------------------------ AralezRoute

  static AralezRouteSpec.Backend backend(String svc, int port, Integer weight) {
    AralezRouteSpec.Backend b = new AralezRouteSpec.Backend();
    b.service = new AralezRouteSpec.ServiceRef();
    b.service.name = svc;
    b.service.port = new AralezRouteSpec.Port();
    b.service.port.number = port;
    b.weight = weight;
    return b;
  }

  static AralezRouteSpec.Match match(
      String type, String path, String method, Map<String, String> headers) {
    AralezRouteSpec.Match m = new AralezRouteSpec.Match();
    m.path = new AralezRouteSpec.PathMatch();
    m.path.type = type;
    m.path.value = path;
    m.method = method;
    headers.forEach(
        (k, v) -> {
          AralezRouteSpec.NameValue nv = new AralezRouteSpec.NameValue();
          nv.name = k;
          nv.value = v;
          m.headers.add(nv);
        });
    return m;
  }

  @Test
  void aralezRouteMatchesWeightsPoliciesAndRedirects() {
    AralezRouteSpec spec = new AralezRouteSpec();
    spec.hostnames = List.of("shop.example.com", "*.shop.example.com");
    spec.defaults = new AralezRouteSpec.Policies();
    spec.defaults.rateLimit = new AralezRouteSpec.RateLimit();
    spec.defaults.rateLimit.requests = 500L;
    AralezRouteSpec.Rule api = new AralezRouteSpec.Rule();
    api.name = "api";
    api.matches.add(match("PathPrefix", "/api", "GET", Map.of("X-Env", "canary")));
    api.backends.add(backend("web", 80, 90));
    api.backends.add(backend("api", 8080, 10));
    api.rateLimit = new AralezRouteSpec.RateLimit();
    api.rateLimit.requests = 100L;
    api.timeouts = new AralezRouteSpec.Timeouts();
    api.timeouts.read = "5s";
    api.retry = new AralezRouteSpec.Retry();
    api.retry.connectAttempts = 1;
    spec.defaults.connections = new AralezRouteSpec.Connections();
    spec.defaults.connections.max = 32;
    spec.defaults.connections.queueTimeout = "2s";
    AralezRouteSpec.Rule old = new AralezRouteSpec.Rule();
    old.matches.add(match("Exact", "/old", null, Map.of()));
    old.redirect = new AralezRouteSpec.Redirect();
    old.redirect.url = "https://new.example.com";
    old.redirect.statusCode = 302;
    AralezRouteSpec.Rule rest = new AralezRouteSpec.Rule();
    rest.backends.add(backend("web", 80, null));
    rest.backends.add(backend("missing", 80, 5));
    spec.routes = List.of(api, old, rest);
    routes.add(Objects.route("ns", "shop", T1, spec));
    BuildResult r = build();
    VirtualHost vh = host(r, "shop.example.com");
    assertThat(host(r, "*.shop.example.com")).isNotNull();
    Route apiRoute =
        vh.getRoutesList().stream()
            .filter(x -> x.getMethod().equals("GET"))
            .findFirst()
            .orElseThrow();
    assertThat(apiRoute.getHeaders(0).getName()).isEqualTo("x-env");
    assertThat(apiRoute.getBackendsList())
        .extracting(w -> w.getCluster() + "=" + w.getWeight())
        .containsExactly("ns/web:80=90", "ns/api:8080=10");
    assertThat(apiRoute.getPolicy().getRateLimitRps()).isEqualTo(100);
    assertThat(apiRoute.getPolicy().getReadTimeoutMs()).isEqualTo(5000);
    assertThat(apiRoute.getPolicy().getConnectAttempts()).isEqualTo(1);
    assertThat(apiRoute.getPolicy().getMaxConnections()).as("from defaults").isEqualTo(32);
    assertThat(apiRoute.getPolicy().hasQueueSize()).as("the data plane's").isFalse();
    assertThat(apiRoute.getPolicy().getQueueTimeoutMs()).isEqualTo(2000);
    Route redirect =
        vh.getRoutesList().stream()
            .filter(x -> x.getPath().getType() == PathMatch.Type.EXACT)
            .findFirst()
            .orElseThrow();
    assertThat(redirect.getRedirect().getUrlPrefix()).isEqualTo("https://new.example.com");
    assertThat(redirect.getPolicy().getRedirectCode()).isEqualTo(302);
    Route catchAll =
        vh.getRoutesList().stream()
            .filter(x -> x.getPath().getValue().equals("/") && x.getMethod().isEmpty())
            .findFirst()
            .orElseThrow();
    assertThat(catchAll.getBackendsList())
        .extracting(w -> w.getCluster())
        .containsExactly("ns/web:80");
    assertThat(catchAll.getPolicy().getRateLimitRps()).isEqualTo(500);
    ObjectStatus st = r.statuses().get(new ObjectRef("AralezRoute", "ns", "shop"));
    assertThat(st.accepted()).isTrue();
    assertThat(st.resolvedRefs()).isFalse();
    assertThat(st.generation()).isEqualTo(3);
  }

  @Test
  void aralezRouteWithNoUsableBackendAnswers500AndAnInvalidOneIsRejectedAlone() {
    AralezRouteSpec spec = new AralezRouteSpec();
    spec.hostnames = List.of("a.example.com");
    AralezRouteSpec.Rule rule = new AralezRouteSpec.Rule();
    rule.backends.add(backend("missing", 80, 1));
    spec.routes = List.of(rule);
    routes.add(Objects.route("ns", "a", T1, spec));
    AralezRouteSpec bad = new AralezRouteSpec();
    bad.hostnames = List.of("Bad Host");
    bad.routes = List.of(new AralezRouteSpec.Rule());
    routes.add(Objects.route("ns", "bad", T1, bad));
    BuildResult r = build();
    assertThat(host(r, "a.example.com").getRoutes(0).getDirectStatus()).isEqualTo(500);
    ObjectStatus st = r.statuses().get(new ObjectRef("AralezRoute", "ns", "bad"));
    assertThat(st.accepted()).isFalse();
    assertThat(st.errors())
        .anyMatch(e -> e.contains("Bad Host"))
        .anyMatch(e -> e.contains("backends or a redirect"));
  }

  @Test
  void ingressAndAralezRouteShareOneTableOldestWins() {
    ingresses.add(
        new Ing("ns", "ing", T2).rule("m.example.com", p("Prefix", "/", "api", 8080)).build());
    AralezRouteSpec spec = new AralezRouteSpec();
    spec.hostnames = List.of("m.example.com");
    AralezRouteSpec.Rule rule = new AralezRouteSpec.Rule();
    rule.backends.add(backend("web", 80, null));
    spec.routes = List.of(rule);
    routes.add(Objects.route("ns", "route", T1, spec));
    BuildResult r = build();
    assertThat(host(r, "m.example.com").getRoutesList()).hasSize(1);
    assertThat(host(r, "m.example.com").getRoutes(0).getBackends(0).getCluster())
        .isEqualTo("ns/web:80");
  }

  @Test
  void secretRefsListOnlyWhatServedObjectsName() {
    ingresses.add(
        new Ing("ns", "a", T1)
            .tls("cert", "a.example.com")
            .annotation("aralez.io/auth-secret", "users")
            .rule("a.example.com", p("Prefix", "/", "web", 80))
            .build());
    assertThat(SecretRefs.of(ingresses, routes)).containsExactly("ns/cert", "ns/users");
  }
}
