package io.aralez.controller.snapshot;

import static io.aralez.controller.snapshot.Objects.ourClass;
import static io.aralez.controller.snapshot.Objects.p;
import static io.aralez.controller.snapshot.Objects.service;
import static io.aralez.controller.snapshot.Objects.slice;
import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.api.v1.Cluster;
import io.aralez.api.v1.PathMatch;
import io.aralez.api.v1.Route;
import io.aralez.api.v1.VirtualHost;
import io.aralez.controller.snapshot.Objects.Ing;
import io.aralez.controller.snapshot.nginx.NginxSettings;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** ingress-nginx compatibility in the pure builder: classes, annotations, defaults, Events. */
class NginxCompatTest {
  static final String T1 = "2026-01-01T00:00:00Z";
  static final String T2 = "2026-01-02T00:00:00Z";
  static final String N = "nginx.ingress.kubernetes.io/";

  BuilderSettings settings =
      new BuilderSettings(BuilderSettings.CONTROLLER_NAME, "aralez", false, NginxSettings.on());
  final List<IngressClass> classes =
      new ArrayList<>(List.of(ourClass("aralez", false), nginxClass("nginx")));
  final List<Ingress> ingresses = new ArrayList<>();
  final List<Service> services = new ArrayList<>(List.of(service("ns", "web", "http=80")));
  final List<EndpointSlice> slices =
      new ArrayList<>(List.of(slice("ns", "web-1", "web", "http=8080", "10.0.0.1")));
  final List<Secret> secrets = new ArrayList<>();
  final Map<String, String> config = new HashMap<>();
  final List<io.fabric8.kubernetes.api.model.ConfigMap> configMaps = new ArrayList<>();

  static IngressClass nginxClass(String name) {
    return new IngressClassBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withController("k8s.io/ingress-nginx")
        .endSpec()
        .build();
  }

  BuildResult build() {
    return new SnapshotBuilder(settings)
        .build(
            new ClusterState(
                classes, ingresses, List.of(), services, slices, secrets, config, configMaps));
  }

  static Ing nginx(String name, String created) {
    return new Ing("ns", name, created).className("nginx");
  }

  static VirtualHost host(BuildResult r, String name) {
    return r.routes().getVirtualHostsList().stream()
        .filter(v -> v.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no host " + name + " in " + r.routes()));
  }

  static Route only(BuildResult r, String host) {
    List<Route> routes = host(r, host).getRoutesList();
    assertThat(routes).hasSize(1);
    return routes.get(0);
  }

  static List<String> reasons(BuildResult r, String ingress) {
    return status(r, ingress).events().stream().map(ObjectStatus.Event::reason).toList();
  }

  static ObjectStatus status(BuildResult r, String ingress) {
    return r.statuses().entrySet().stream()
        .filter(e -> e.getKey().name().equals(ingress))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElseThrow();
  }

  static String event(BuildResult r, String ingress, String reason) {
    return status(r, ingress).events().stream()
        .filter(e -> e.reason().equals(reason))
        .map(ObjectStatus.Event::message)
        .findFirst()
        .orElse(null);
  }

  @Test
  void withoutTheFlagNothingChanges() {
    settings = BuilderSettings.defaults();
    ingresses.add(nginx("n", T1).rule("n.test", p("Prefix", "/", "web", 80)).build());
    ingresses.add(
        new Ing("ns", "own", T1)
            .annotation(N + "proxy-body-size", "1k")
            .annotation(N + "configuration-snippet", "return 200;")
            .rule("own.test", p("Prefix", "/", "web", 80))
            .build());
    BuildResult r = build();
    assertThat(r.routes().getVirtualHostsList())
        .extracting(VirtualHost::getName)
        .containsExactly("own.test");
    Route own = only(r, "own.test");
    assertThat(own.hasRules()).isFalse();
    assertThat(status(r, "own").events()).isEmpty();
  }

  @Test
  void ingressNginxClassesAndTheLegacyAnnotationAreServedWithTheirDefaults() {
    ingresses.add(nginx("by-field", T1).rule("a.test", p("Prefix", "/", "web", 80)).build());
    ingresses.add(
        new Ing("ns", "by-annotation", T1)
            .className(null)
            .annotation("kubernetes.io/ingress.class", "nginx")
            .rule("b.test", p("Prefix", "/", "web", 80))
            .build());
    ingresses.add(
        new Ing("ns", "other", T1)
            .className("traefik")
            .rule("c.test", p("Prefix", "/", "web", 80))
            .build());
    ingresses.add(new Ing("ns", "ours", T1).rule("d.test", p("Prefix", "/", "web", 80)).build());
    BuildResult r = build();
    assertThat(r.routes().getVirtualHostsList())
        .extracting(VirtualHost::getName)
        .containsExactly("a.test", "b.test", "d.test");
    // ingress-nginx's defaults: 1 MiB bodies, 5 s connect, 60 s read, HSTS, 308 redirects.
    Route a = only(r, "a.test");
    assertThat(a.getRules().getMaxBodyBytes()).isEqualTo(1 << 20);
    assertThat(a.getRules().getHsts()).isEqualTo("max-age=31536000; includeSubDomains");
    assertThat(a.getPolicy().getConnectTimeoutMs()).isEqualTo(5000);
    assertThat(a.getPolicy().getReadTimeoutMs()).isEqualTo(60000);
    assertThat(a.getPolicy().getSendTimeoutMs()).isEqualTo(60000);
    assertThat(a.getPolicy().getRedirectCode()).isEqualTo(308);
    assertThat(a.getPolicy().getConnectAttempts()).as("proxy-next-upstream-tries 3").isEqualTo(3);
    assertThat(only(r, "b.test").getRules().getMaxBodyBytes()).isEqualTo(1 << 20);
    // Our own class keeps our defaults.
    assertThat(only(r, "d.test").getRules().getMaxBodyBytes()).isZero();
  }

  @Test
  void theConfigMapChangesTheDefaultsAndABadValueKeepsIngressNginxs() {
    config.put("proxy-body-size", "8m");
    config.put("hsts", "false");
    config.put("http-redirect-code", "301");
    config.put("proxy-read-timeout", "20s");
    config.put("proxy-send-timeout", "120");
    config.put("limit-req-status-code", "429");
    config.put("use-geoip", "true");
    ingresses.add(
        nginx("a", T1)
            .annotation(N + "limit-rps", "5")
            .rule("a.test", p("Prefix", "/", "web", 80))
            .build());
    Route a = only(build(), "a.test");
    assertThat(a.getRules().getMaxBodyBytes()).isEqualTo(8L << 20);
    assertThat(a.getRules().getHsts()).isEmpty();
    assertThat(a.getPolicy().getRedirectCode()).isEqualTo(301);
    assertThat(a.getPolicy().getReadTimeoutMs())
        .as("'20s' is not seconds: default")
        .isEqualTo(60000);
    assertThat(a.getPolicy().getSendTimeoutMs()).isEqualTo(120_000);
    assertThat(a.getRules().getRateLimitStatus()).isEqualTo(429);
    var d = io.aralez.controller.snapshot.nginx.NginxDefaults.of(config);
    assertThat(d.ignored()).containsExactly("use-geoip");
    assertThat(d.problems()).singleElement().asString().startsWith("proxy-read-timeout");
  }

  @Test
  @Tag("catalogue-2.14")
  void snippetsRefuseTheIngressWithAnEventNamingTheAnnotation() {
    ingresses.add(
        nginx("snippet", T1)
            .annotation(N + "configuration-snippet", "more_set_headers \"X: y\";")
            .rule("s.test", p("Prefix", "/", "web", 80))
            .build());
    ingresses.add(nginx("fine", T2).rule("f.test", p("Prefix", "/", "web", 80)).build());
    BuildResult r = build();
    assertThat(r.routes().getVirtualHostsList())
        .extracting(VirtualHost::getName)
        .containsExactly("f.test");
    assertThat(status(r, "snippet").accepted()).isFalse();
    assertThat(event(r, "snippet", "NginxAnnotationRefused"))
        .contains(N + "configuration-snippet")
        .contains("not served");
  }

  @Test
  void unknownAndUnsupportedKeysAreServedWithWarnings() {
    ingresses.add(
        nginx("typo", T1)
            .annotation(N + "rewrite-targte", "/")
            .annotation(N + "enable-modsecurity", "true")
            .annotation(N + "proxy-buffering", "on")
            .rule("t.test", p("Prefix", "/", "web", 80))
            .build());
    BuildResult r = build();
    assertThat(only(r, "t.test").getBackendsCount()).isEqualTo(1);
    assertThat(event(r, "typo", "NginxAnnotationUnknown")).contains(N + "rewrite-targte");
    assertThat(event(r, "typo", "NginxAnnotationIgnored"))
        .contains(N + "enable-modsecurity")
        .contains(N + "proxy-buffering");
    assertThat(event(r, "typo", "NginxAnnotationsTranslated")).contains("ignored 3");
  }

  @Test
  void regexModeIsHostWideCaseInsensitiveAndOrderedByPathLength() {
    ingresses.add(
        nginx("regex", T1)
            .annotation(N + "use-regex", "true")
            .rule("r.test", p("ImplementationSpecific", "/api/v[0-9]+", "web", 80))
            .build());
    ingresses.add(
        nginx("plain", T2)
            .rule(
                "r.test",
                p("Exact", "/exact", "web", 80),
                p("Prefix", "/", "web", 80),
                p("Prefix", "/zzzzzzzzzzzz", "web", 80))
            .build());
    ingresses.add(nginx("elsewhere", T2).rule("o.test", p("Exact", "/exact", "web", 80)).build());
    BuildResult r = build();
    assertThat(host(r, "r.test").getRoutesList())
        .extracting(x -> x.getPath().getType() + " " + x.getPath().getValue())
        .containsExactly("REGEX /zzzzzzzzzzzz", "REGEX /api/v[0-9]+", "REGEX /exact", "REGEX /");
    assertThat(only(r, "o.test").getPath().getType()).isEqualTo(PathMatch.Type.EXACT);
  }

  @Test
  void rewriteTargetTurnsOnRegexModeAndCarriesTheForwardedPrefix() {
    ingresses.add(
        nginx("rw", T1)
            .annotation(N + "rewrite-target", "/$2")
            .annotation(N + "x-forwarded-prefix", "/something")
            .rule("w.test", p("ImplementationSpecific", "/something(/|$)(.*)", "web", 80))
            .build());
    ingresses.add(
        nginx("prefix-alone", T1)
            .annotation(N + "x-forwarded-prefix", "/p")
            .rule("x.test", p("Prefix", "/", "web", 80))
            .build());
    BuildResult r = build();
    Route w = only(r, "w.test");
    assertThat(w.getPath().getType()).isEqualTo(PathMatch.Type.REGEX);
    assertThat(w.getRules().getRewriteTarget()).isEqualTo("/$2");
    assertThat(w.getRules().getForwardedPrefix()).isEqualTo("/something");
    assertThat(only(r, "x.test").getRules().getForwardedPrefix()).isEmpty();
    assertThat(event(r, "prefix-alone", "NginxAnnotationIgnored")).contains("x-forwarded-prefix");
  }

  @Test
  @Tag("catalogue-2.14")
  void anInvalidValueIsIgnoredWhileABadReferenceDeniesTheLocation() {
    ingresses.add(
        nginx("bad-size", T1)
            .annotation(N + "proxy-body-size", "15r")
            .annotation(N + "proxy-connect-timeout", "10s")
            .rule("s.test", p("Prefix", "/", "web", 80))
            .build());
    ingresses.add(
        nginx("bad-cidr", T1)
            .annotation(N + "whitelist-source-range", "10.0.0.0/8, not-an-ip")
            .rule("c.test", p("Prefix", "/", "web", 80))
            .build());
    ingresses.add(
        nginx("foreign-secret", T1)
            .annotation(N + "auth-type", "basic")
            .annotation(N + "auth-secret", "kube-system/admin")
            .rule("f.test", p("Prefix", "/", "web", 80))
            .build());
    BuildResult r = build();
    Route s = only(r, "s.test");
    assertThat(s.getRules().getMaxBodyBytes()).isEqualTo(1 << 20);
    assertThat(s.getPolicy().getConnectTimeoutMs()).isEqualTo(5000);
    assertThat(event(r, "bad-size", "NginxAnnotationInvalid"))
        .contains("proxy-body-size")
        .contains("proxy-connect-timeout");
    for (String h : List.of("c.test", "f.test")) {
      Route d = only(r, h);
      assertThat(d.getDirectStatus()).as(h).isEqualTo(503);
      assertThat(d.getBackendsCount()).isZero();
    }
    assertThat(event(r, "bad-cidr", "AnnotationParsingFailed")).contains("not-an-ip");
    assertThat(event(r, "foreign-secret", "AnnotationParsingFailed")).contains("kube-system/admin");
  }

  @Test
  void redirectsAppRootAndHostOverride() {
    ingresses.add(
        nginx("both", T1)
            .annotation(N + "permanent-redirect", "https://new.example.com/a")
            .annotation(N + "permanent-redirect-code", "308")
            .annotation(N + "temporal-redirect", "https://tmp.example.com")
            .annotation(N + "temporal-redirect-code", "308")
            .rule("r.test", p("Prefix", "/", "web", 80))
            .build());
    ingresses.add(
        nginx("perm", T1)
            .annotation(N + "permanent-redirect", "https://new.example.com/a")
            .annotation(N + "permanent-redirect-code", "200")
            .annotation(N + "app-root", "/app1")
            .annotation(N + "upstream-vhost", "internal.example")
            .rule("p.test", p("Prefix", "/", "web", 80))
            .build());
    BuildResult r = build();
    var both = only(r, "r.test").getRules();
    assertThat(both.getRedirectLocation()).isEqualTo("https://tmp.example.com");
    assertThat(both.getRedirectLocationCode()).as("308 is not a temporal code").isEqualTo(302);
    var perm = only(r, "p.test").getRules();
    assertThat(perm.getRedirectLocationCode()).isEqualTo(301);
    assertThat(perm.getAppRoot()).isEqualTo("/app1");
    assertThat(perm.getUpstreamHost()).isEqualTo("internal.example");
    assertThat(perm.getRedirectLocationAbsolute()).as("nginx's absolute_redirect").isTrue();
  }

  @Test
  void relativeRedirectsKeepAPathLocationAsWritten() {
    ingresses.add(
        nginx("rel", T1)
            .annotation(N + "permanent-redirect", "/new")
            .annotation(N + "relative-redirects", "true")
            .rule("rel.test", p("Prefix", "/", "web", 80))
            .build());
    ingresses.add(
        nginx("abs", T1)
            .annotation(N + "temporal-redirect", "/tmp")
            .rule("abs.test", p("Prefix", "/", "web", 80))
            .build());
    ingresses.add(
        nginx("alone", T1)
            .annotation(N + "relative-redirects", "true")
            .rule("alone.test", p("Prefix", "/", "web", 80))
            .build());
    BuildResult r = build();
    assertThat(only(r, "rel.test").getRules().getRedirectLocationAbsolute()).isFalse();
    assertThat(only(r, "abs.test").getRules().getRedirectLocationAbsolute()).isTrue();
    assertThat(event(r, "alone", "NginxAnnotationIgnored")).contains("relative-redirects");
    config.put("relative-redirects", "true");
    assertThat(only(build(), "abs.test").getRules().getRedirectLocationAbsolute())
        .as("the ConfigMap's default")
        .isFalse();
  }

  @Test
  void sslRedirectFollowsAnyIngressCertificateForTheHostAndStripsTheSlash() {
    ingresses.add(
        nginx("with-tls", T1)
            .tls("cert", "h.test")
            .rule("h.test", p("Prefix", "/a", "web", 80))
            .build());
    ingresses.add(nginx("without", T2).rule("h.test", p("Prefix", "/b", "web", 80)).build());
    ingresses.add(
        nginx("opt-out", T2)
            .annotation(N + "ssl-redirect", "false")
            .rule("h.test", p("Prefix", "/c", "web", 80))
            .build());
    ingresses.add(
        nginx("keep-slash", T2)
            .annotation(N + "force-ssl-redirect", "true")
            .annotation(N + "preserve-trailing-slash", "true")
            .annotation(N + "use-port-in-redirects", "true")
            .rule("k.test", p("Prefix", "/", "web", 80))
            .build());
    BuildResult r = build();
    Map<String, Boolean> redirect = new HashMap<>();
    for (Route x : host(r, "h.test").getRoutesList()) {
      redirect.put(x.getPath().getValue(), x.getHttpsRedirect());
      if (x.getHttpsRedirect()) {
        assertThat(x.getRules().getHttpsRedirectStripSlash()).isTrue();
        assertThat(x.getRules().getHttpsRedirectExplicitPort()).isFalse();
      }
    }
    assertThat(redirect)
        .containsEntry("/a", true)
        .containsEntry("/b", true)
        .containsEntry("/c", false);
    Route k = only(r, "k.test");
    assertThat(k.getHttpsRedirect()).isTrue();
    assertThat(k.getRules().getHttpsRedirectStripSlash()).isFalse();
    assertThat(k.getRules().getHttpsRedirectExplicitPort()).isTrue();
  }

  @Test
  void corsDefaultsAreIngressNginxs() {
    ingresses.add(
        nginx("cors", T1)
            .annotation(N + "enable-cors", "true")
            .annotation(
                N + "cors-allow-origin",
                "https://a.example.com, https://*.b.example.com:8443, bad origin")
            .rule("c.test", p("Prefix", "/", "web", 80))
            .build());
    ingresses.add(
        nginx("no-cors", T1)
            .annotation(N + "cors-allow-origin", "https://a.example.com")
            .rule("n.test", p("Prefix", "/", "web", 80))
            .build());
    BuildResult r = build();
    var cors = only(r, "c.test").getRules().getCors();
    assertThat(cors.getAllowOriginsList())
        .containsExactly("https://a.example.com", "https://*.b.example.com:8443");
    assertThat(cors.getAllowMethods()).isEqualTo("GET, PUT, POST, DELETE, PATCH, OPTIONS");
    assertThat(cors.getAllowHeaders()).startsWith("DNT,Keep-Alive,User-Agent");
    assertThat(cors.getAllowCredentials()).isTrue();
    assertThat(cors.getMaxAgeSeconds()).isEqualTo(1728000);
    assertThat(only(r, "n.test").getRules().hasCors()).isFalse();
    assertThat(event(r, "no-cors", "NginxAnnotationIgnored")).contains("cors-allow-origin");
  }

  @Test
  void protocolsTimeoutsAndLimits() {
    services.add(service("ns", "grpc", "g=50051"));
    slices.add(slice("ns", "grpc-1", "grpc", "g=50051", "10.0.2.1"));
    ingresses.add(
        nginx("g", T1)
            .annotation(N + "backend-protocol", "grpc")
            .annotation(N + "proxy-read-timeout", "3600")
            .annotation(N + "proxy-send-timeout", "7")
            .annotation(N + "limit-rpm", "120")
            .annotation(N + "limit-whitelist", "10.0.0.0/8, 192.0.2.7")
            .annotation(N + "proxy-next-upstream", "off")
            .annotation(N + "upstream-hash-by", "$remote_addr$request_uri")
            .annotation(N + "enable-access-log", "false")
            .annotation(N + "proxy-redirect-from", "http://grpc.internal/")
            .annotation(N + "proxy-redirect-to", "https://g.test/")
            .annotation(N + "proxy-cookie-path", "/app /")
            .rule("g.test", p("Prefix", "/", "grpc", 50051))
            .build());
    ingresses.add(
        nginx("fcgi", T1)
            .annotation(N + "backend-protocol", "FCGI")
            .rule("f.test", p("Prefix", "/", "web", 80))
            .build());
    BuildResult r = build();
    Route g = only(r, "g.test");
    assertThat(g.getPolicy().getReadTimeoutMs()).isEqualTo(3_600_000);
    assertThat(g.getPolicy().getSendTimeoutMs()).isEqualTo(7000);
    assertThat(g.getPolicy().getConnectAttempts()).isEqualTo(1);
    assertThat(g.getRules().getHashBy()).isEqualTo("$remote_addr$request_uri");
    assertThat(g.getRules().getNoAccessLog()).isTrue();
    assertThat(g.getRules().getResponseRewrite().getLocationTo()).isEqualTo("https://g.test/");
    assertThat(g.getRules().getResponseRewrite().getCookiePathFrom()).isEqualTo("/app");
    assertThat(g.getRules().getResponseRewrite().getCookieDomainFrom()).isEmpty();
    assertThat(g.getPolicy().getRateLimitRps()).as("for older data planes").isEqualTo(2);
    var rate = g.getRules().getNginxRateLimit();
    assertThat(rate.getRpm()).isEqualTo(120);
    assertThat(rate.getRps()).isZero();
    assertThat(rate.getBurstMultiplier()).isEqualTo(5);
    assertThat(rate.getZone()).as("one zone per Ingress").isEqualTo("ns/g");
    assertThat(g.getRules().getRateLimitStatus()).isEqualTo(503);
    assertThat(g.getRules().getLimitExemptSourcesList()).containsExactly("10.0.0.0/8", "192.0.2.7");
    assertThat(r.routes().getClustersList())
        .filteredOn(c -> c.getName().startsWith("ns/grpc"))
        .extracting(Cluster::getProtocol)
        .containsExactly(Cluster.Protocol.H2C);
    assertThat(status(r, "fcgi").accepted()).isFalse();
    assertThat(event(r, "fcgi", "NginxAnnotationRefused")).contains("FastCGI");
  }

  @Test
  void aCanaryJoinsItsMainRouteByHeaderThenCookieThenWeight() {
    services.add(service("ns", "web-canary", "http=80"));
    slices.add(slice("ns", "canary-1", "web-canary", "http=8080", "10.0.9.1"));
    ingresses.add(nginx("main", T1).rule("m.test", p("Prefix", "/", "web", 80)).build());
    ingresses.add(
        nginx("canary", T2)
            .annotation(N + "canary", "true")
            .annotation(N + "canary-by-header", "X-Canary")
            .annotation(N + "canary-by-cookie", "beta")
            .annotation(N + "canary-weight", "30")
            .annotation(N + "canary-weight-total", "50")
            .rule("m.test", p("Prefix", "/", "web-canary", 80))
            .build());
    ingresses.add(
        nginx("orphan", T2)
            .annotation(N + "canary", "true")
            .annotation(N + "canary-weight", "100")
            .rule("orphan.test", p("Prefix", "/", "web-canary", 80))
            .build());
    BuildResult r = build();
    Map<String, String> byCondition = new HashMap<>();
    Route plain = null;
    for (Route x : host(r, "m.test").getRoutesList()) {
      String cond =
          x.getHeadersList().stream().map(h -> "h:" + h.getValue()).findFirst().orElse("")
              + x.getCookiesList().stream().map(c -> "c:" + c.getValue()).findFirst().orElse("");
      byCondition.put(
          cond,
          String.join(
              ",",
              x.getBackendsList().stream()
                  .map(w -> w.getCluster() + "*" + w.getWeight())
                  .toList()));
      if (cond.isEmpty()) {
        plain = x;
      }
    }
    assertThat(byCondition)
        .containsEntry("h:always", "ns/web-canary:80*1")
        .containsEntry("h:never", "ns/web:80*1")
        .containsEntry("c:always", "ns/web-canary:80*1")
        .containsEntry("c:never", "ns/web:80*1")
        // weight-total below 100 is not honoured: 30 of 100.
        .containsEntry("", "ns/web:80*70,ns/web-canary:80*30");
    assertThat(plain.getId()).contains("/main/");
    assertThat(plain.getBackendsList()).noneMatch(w -> w.getNoAffinity());
    assertThat(status(r, "canary").accepted()).isTrue();
    assertThat(r.routes().getVirtualHostsList())
        .as("a canary without a main Ingress routes nothing: 404")
        .extracting(VirtualHost::getName)
        .doesNotContain("orphan.test");
    assertThat(status(r, "orphan").warnings()).anyMatch(w -> w.contains("no main Ingress"));
  }

  @Test
  void aLegacyAffinityCanaryKeepsItsEndpointsOutOfTheCookie() {
    services.add(service("ns", "web-canary", "http=80"));
    slices.add(slice("ns", "canary-1", "web-canary", "http=8080", "10.0.9.1"));
    ingresses.add(
        nginx("main", T1)
            .annotation(N + "affinity", "cookie")
            .annotation(N + "affinity-canary-behavior", "legacy")
            .rule("l.test", p("Prefix", "/", "web", 80))
            .build());
    ingresses.add(
        nginx("canary", T2)
            .annotation(N + "canary", "true")
            .annotation(N + "canary-by-header", "X-Canary")
            .annotation(N + "canary-weight", "20")
            .annotation(N + "affinity-canary-behavior", "legacy")
            .rule("l.test", p("Prefix", "/", "web-canary", 80))
            .build());
    BuildResult r = build();
    for (Route x : host(r, "l.test").getRoutesList()) {
      for (var w : x.getBackendsList()) {
        assertThat(w.getNoAffinity())
            .as(x.getId() + " " + w.getCluster())
            .isEqualTo(w.getCluster().equals("ns/web-canary:80"));
      }
    }
    assertThat(event(r, "main", "NginxAnnotationIgnored"))
        .as("read on the canary Ingress only")
        .contains("affinity-canary-behavior");
    assertThat(status(r, "canary").warnings()).isEmpty();
  }

  @Test
  void aHeaderPatternCanaryIsOneRegexConditionAndABadRegexIsIgnoredWithAnEvent() {
    services.add(service("ns", "web-canary", "http=80"));
    slices.add(slice("ns", "canary-1", "web-canary", "http=8080", "10.0.9.1"));
    ingresses.add(nginx("main", T1).rule("p.test", p("Prefix", "/", "web", 80)).build());
    ingresses.add(
        nginx("canary", T2)
            .annotation(N + "canary", "true")
            .annotation(N + "canary-by-header", "X-Region")
            .annotation(N + "canary-by-header-pattern", "^eu-.*")
            .rule("p.test", p("Prefix", "/", "web-canary", 80))
            .build());
    ingresses.add(nginx("main2", T1).rule("q.test", p("Prefix", "/", "web", 80)).build());
    ingresses.add(
        nginx("canary2", T2)
            .annotation(N + "canary", "true")
            .annotation(N + "canary-by-header", "X-Region")
            .annotation(N + "canary-by-header-value", "eu")
            .annotation(N + "canary-by-header-pattern", "(a")
            .rule("q.test", p("Prefix", "/", "web-canary", 80))
            .build());
    BuildResult r = build();
    List<io.aralez.api.v1.HeaderMatch> p =
        host(r, "p.test").getRoutesList().stream()
            .flatMap(x -> x.getHeadersList().stream())
            .toList();
    assertThat(p)
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.getName()).isEqualTo("X-Region");
              assertThat(h.getValue()).isEqualTo("^eu-.*");
              assertThat(h.getRegex()).isTrue();
            });
    // A value wins over a pattern; a bad pattern is an invalid value, ignored with an Event.
    List<io.aralez.api.v1.HeaderMatch> q =
        host(r, "q.test").getRoutesList().stream()
            .flatMap(x -> x.getHeadersList().stream())
            .toList();
    assertThat(q).singleElement().satisfies(h -> assertThat(h.getRegex()).isFalse());
    assertThat(event(r, "canary2", "NginxAnnotationInvalid"))
        .contains("canary-by-header-pattern")
        .contains("RE2");
  }

  @Test
  void affinityCookiesTakeIngressNginxsNameAndTheIngressPath() {
    ingresses.add(
        nginx("sticky", T1)
            .annotation(N + "affinity", "cookie")
            .annotation(N + "session-cookie-samesite", "Strict")
            .annotation(N + "session-cookie-conditional-samesite-none", "true")
            .annotation(N + "session-cookie-expires", "3600")
            .rule("s.test", p("Prefix", "/app", "web", 80))
            .build());
    ingresses.add(
        nginx("named", T1)
            .annotation(N + "affinity", "cookie")
            .annotation(N + "session-cookie-name", "route")
            .annotation(N + "session-cookie-path", "/")
            .annotation(N + "session-cookie-secure", "true")
            .annotation(N + "session-cookie-change-on-failure", "true")
            .rule("n.test", p("Prefix", "/x", "web", 80))
            .build());
    ingresses.add(
        nginx("no-affinity", T1)
            .annotation(N + "session-cookie-name", "route")
            .rule("o.test", p("Prefix", "/", "web", 80))
            .build());
    BuildResult r = build();
    var s = only(r, "s.test").getPolicy().getSticky();
    assertThat(s.getEnabled()).isTrue();
    assertThat(s.getName()).isEqualTo("INGRESSCOOKIE");
    assertThat(s.getPath()).isEqualTo("/app");
    assertThat(s.getSameSite()).isEqualTo("Strict");
    assertThat(s.getExpiresSeconds()).isEqualTo(3600);
    assertThat(s.getKeepOnFailure()).as("ingress-nginx's default").isTrue();
    assertThat(s.getConditionalSameSiteNone()).isTrue();
    var n = only(r, "n.test").getPolicy().getSticky();
    assertThat(n.getKeepOnFailure()).as("session-cookie-change-on-failure").isFalse();
    assertThat(n.getName()).isEqualTo("route");
    assertThat(n.getPath()).isEqualTo("/");
    assertThat(n.getSameSite()).as("none unless asked").isEqualTo("-");
    assertThat(n.getSecure()).isEqualTo("true");
    assertThat(n.getConditionalSameSiteNone()).isFalse();
    assertThat(only(r, "o.test").getPolicy().getSticky().getEnabled()).isFalse();
    assertThat(event(r, "no-affinity", "NginxAnnotationIgnored")).contains("session-cookie-name");
  }

  @Test
  void serverAliasesServeTheSamePathsUnlessAnotherIngressDefinesTheHost() {
    ingresses.add(
        nginx("aliased", T1)
            .annotation(N + "server-alias", "Alias.test, taken.test")
            .rule("main.test", p("Prefix", "/", "web", 80))
            .build());
    ingresses.add(nginx("owner", T2).rule("taken.test", p("Prefix", "/own", "web", 80)).build());
    BuildResult r = build();
    assertThat(only(r, "alias.test").getPath().getValue()).isEqualTo("/");
    assertThat(host(r, "taken.test").getRoutesList())
        .extracting(x -> x.getPath().getValue())
        .containsExactly("/own");
    assertThat(status(r, "aliased").warnings()).anyMatch(w -> w.contains("taken.test"));
  }

  @Test
  void aDefaultBackendStandsInForAMissingOrEmptyService() {
    services.add(service("ns", "errors", "http=80"));
    slices.add(slice("ns", "errors-1", "errors", "http=8080", "10.0.8.1"));
    ingresses.add(
        nginx("fallback", T1)
            .annotation(N + "default-backend", "errors")
            .rule("f.test", p("Prefix", "/", "missing", 80))
            .build());
    Route f = only(build(), "f.test");
    assertThat(f.getDirectStatus()).as("not a 503: the fallback answers").isZero();
    assertThat(f.getBackendsCount()).isZero();
    assertThat(f.getFallbackBackendsList())
        .extracting(w -> w.getCluster())
        .containsExactly("ns/errors:80");
    assertThat(f.getFallbackHeadersList())
        .extracting(h -> h.getName() + ": " + h.getValue())
        .contains("X-Code: 503", "X-Service-Name: missing", "X-Ingress-Name: fallback");
  }

  @Test
  void basicAuthReadsTheHtpasswdSecretAndTheRealm() {
    secrets.add(
        Objects.secret(
            "ns", "users", "Opaque", Map.of("auth", "ann:$apr1$Xy7.z/9q$L5D3OEZy36F1C/5onznlG1")));
    ingresses.add(
        nginx("basic", T1)
            .annotation(N + "auth-type", "basic")
            .annotation(N + "auth-secret", "ns/users")
            .annotation(N + "auth-realm", "Shop staff")
            .annotation(N + "satisfy", "any")
            .annotation(N + "whitelist-source-range", "10.0.0.0/8")
            .rule("b.test", p("Prefix", "/", "web", 80))
            .build());
    Route b = only(build(), "b.test");
    assertThat(b.getPolicy().getAuth().getCredentialsList())
        .containsExactly("ann:$apr1$Xy7.z/9q$L5D3OEZy36F1C/5onznlG1");
    assertThat(b.getRules().getAuthRealm()).isEqualTo("Shop staff");
    assertThat(b.getRules().getSatisfyAny()).isTrue();
  }

  @Test
  void anAuthMapSecretNamesAUserPerKey() {
    secrets.add(
        Objects.secret(
            "ns",
            "map",
            "Opaque",
            Map.of(
                "ann", "$apr1$Xy7.z/9q$L5D3OEZy36F1C/5onznlG1",
                "bob", "{SHA}qUqP5cyxm6YcTAhz05Hph5gvu9M=",
                "eve", "plaintext")));
    ingresses.add(
        nginx("mapped", T1)
            .annotation(N + "auth-type", "basic")
            .annotation(N + "auth-secret", "map")
            .annotation(N + "auth-secret-type", "auth-map")
            .rule("m.test", p("Prefix", "/", "web", 80))
            .build());
    ingresses.add(
        nginx("odd", T1)
            .annotation(N + "auth-type", "basic")
            .annotation(N + "auth-secret", "map")
            .annotation(N + "auth-secret-type", "ldap")
            .rule("o.test", p("Prefix", "/", "web", 80))
            .build());
    BuildResult r = build();
    var auth = only(r, "m.test").getPolicy().getAuth();
    assertThat(auth.getType()).isEqualTo(io.aralez.api.v1.Auth.Type.BASIC);
    assertThat(auth.getCredentialsList())
        .as("a value that is no hash Aralez can check is left out")
        .containsExactly(
            "ann:$apr1$Xy7.z/9q$L5D3OEZy36F1C/5onznlG1", "bob:{SHA}qUqP5cyxm6YcTAhz05Hph5gvu9M=");
    assertThat(status(r, "mapped").warnings()).anyMatch(w -> w.contains("cannot check"));
    assertThat(only(r, "o.test").getDirectStatus()).as("an unknown type denies").isEqualTo(503);
  }

  @Test
  void theConfigMapsGlobalAuthGuardsLocationsWithoutTheirOwn() {
    config.put("global-auth-url", "http://auth.internal/check");
    config.put("global-auth-signin", "https://$host/login");
    ingresses.add(nginx("guarded", T1).rule("g.test", p("Prefix", "/", "web", 80)).build());
    ingresses.add(
        nginx("opted-out", T1)
            .annotation(N + "enable-global-auth", "false")
            .rule("o.test", p("Prefix", "/", "web", 80))
            .build());
    BuildResult r = build();
    Route g = only(r, "g.test");
    assertThat(g.getPolicy().getAuth().getForwardUrl()).isEqualTo("http://auth.internal/check");
    assertThat(g.getRules().getExternalAuth().getSigninUrl()).isEqualTo("https://$host/login");
    assertThat(only(r, "o.test").getPolicy().hasAuth()).isFalse();
  }

  @Test
  void serviceUpstreamSendsToTheClusterIp() {
    services.set(
        0,
        new io.fabric8.kubernetes.api.model.ServiceBuilder(services.get(0))
            .editSpec()
            .withClusterIP("10.96.0.10")
            .endSpec()
            .build());
    ingresses.add(
        nginx("via-svc", T1)
            .annotation(N + "service-upstream", "true")
            .rule("v.test", p("Prefix", "/", "web", 80))
            .build());
    ingresses.add(nginx("pods", T1).rule("p.test", p("Prefix", "/", "web", 80)).build());
    BuildResult r = build();
    String cluster = only(r, "v.test").getBackends(0).getCluster();
    assertThat(cluster).isEqualTo("ns/web:80@service");
    assertThat(
            r.endpoints().getClustersList().stream()
                .filter(c -> c.getCluster().equals(cluster))
                .flatMap(c -> c.getEndpointsList().stream())
                .map(e -> e.getAddress() + ":" + e.getPort())
                .toList())
        .containsExactly("10.96.0.10:80");
    assertThat(only(r, "p.test").getBackends(0).getCluster()).isEqualTo("ns/web:80");
    // An endpoints-only rebuild keeps the cluster IP.
    BuildResult again = new SnapshotBuilder(settings).withEndpoints(r, slices);
    assertThat(again.endpoints()).isEqualTo(r.endpoints());
  }

  @Test
  void fromToWwwRedirectServesTheTwinUnlessAnIngressDefinesIt() {
    ingresses.add(
        nginx("bare", T1)
            .annotation(N + "from-to-www-redirect", "true")
            .rule("example.test", p("Prefix", "/", "web", 80))
            .rule("taken.test", p("Prefix", "/", "web", 80))
            .build());
    ingresses.add(
        nginx("www-owner", T2).rule("www.taken.test", p("Prefix", "/", "web", 80)).build());
    BuildResult r = build();
    Route twin = only(r, "www.example.test");
    assertThat(twin.getRules().getRedirectLocation())
        .isEqualTo("$scheme://example.test$request_uri");
    assertThat(twin.getRules().getRedirectLocationCode()).isEqualTo(308);
    assertThat(twin.getRules().getRedirectLocationWithPort()).isTrue();
    assertThat(only(r, "www.taken.test").getBackendsCount()).isEqualTo(1);
  }

  @Test
  void theConfigMapGetsEventsForWhatItAsksInVain() {
    settings =
        new BuilderSettings(
            BuilderSettings.CONTROLLER_NAME,
            "aralez",
            false,
            new NginxSettings(
                true,
                true,
                NginxSettings.CONTROLLER_CLASS,
                NginxSettings.INGRESS_CLASS,
                NginxSettings.PREFIX,
                "ingress-nginx/ingress-nginx-controller",
                false));
    config.put("use-geoip", "true");
    config.put("proxy-body-size", "lots");
    ObjectStatus cm =
        build()
            .statuses()
            .get(new ObjectRef("ConfigMap", "ingress-nginx", "ingress-nginx-controller"));
    assertThat(cm.events())
        .extracting(ObjectStatus.Event::reason)
        .containsExactly("NginxConfigInvalid", "NginxConfigIgnored");
    assertThat(cm.events().get(1).message()).contains("use-geoip");
    assertThat(cm.events().get(0).message()).contains("proxy-body-size");
  }

  @Test
  void customHttpErrorsNeedTheDefaultBackendAndValidCodes() {
    services.add(service("ns", "errors", "http=80"));
    slices.add(slice("ns", "errors-1", "errors", "http=8080", "10.0.0.9"));
    ingresses.add(
        nginx("pages", T1)
            .annotation(N + "custom-http-errors", "404, 503")
            .annotation(N + "default-backend", "errors")
            .rule("pages.test", p("Prefix", "/", "web", 80))
            .build());
    ingresses.add(
        nginx("alone", T1)
            .annotation(N + "custom-http-errors", "404")
            .rule("alone.test", p("Prefix", "/", "web", 80))
            .build());
    ingresses.add(
        nginx("bad-codes", T1)
            .annotation(N + "custom-http-errors", "404,200")
            .annotation(N + "default-backend", "errors")
            .rule("bad-codes.test", p("Prefix", "/", "web", 80))
            .build());
    ingresses.add(
        nginx("off", T1)
            .annotation(N + "custom-http-errors", "404")
            .annotation(N + "default-backend", "errors")
            .annotation(N + "disable-proxy-intercept-errors", "true")
            .rule("off.test", p("Prefix", "/", "web", 80))
            .build());
    BuildResult r = build();
    Route pages = only(r, "pages.test");
    assertThat(pages.getRules().getInterceptCodesList()).containsExactly(404, 503);
    assertThat(pages.getFallbackBackendsCount()).isEqualTo(1);
    assertThat(pages.getFallbackHeadersList())
        .extracting(io.aralez.api.v1.Header::getName)
        .contains("X-Namespace", "X-Ingress-Name", "X-Service-Name", "X-Service-Port");
    assertThat(only(r, "alone.test").getRules().getInterceptCodesList()).isEmpty();
    assertThat(event(r, "alone", "NginxAnnotationIgnored")).contains(N + "custom-http-errors");
    assertThat(only(r, "bad-codes.test").getRules().getInterceptCodesList()).isEmpty();
    assertThat(event(r, "bad-codes", "NginxAnnotationInvalid"))
        .contains("'200' is not an HTTP error status");
    assertThat(only(r, "off.test").getRules().getInterceptCodesList()).isEmpty();
  }

  @Test
  void proxySslReadsItsSecretFromTheIngressNamespaceOnly() {
    secrets.add(
        new io.fabric8.kubernetes.api.model.SecretBuilder()
            .withNewMetadata()
            .withNamespace("ns")
            .withName("up-tls")
            .endMetadata()
            .withStringData(Map.of("ca.crt", "CA PEM", "tls.crt", "CRT PEM", "tls.key", "KEY PEM"))
            .build());
    ingresses.add(
        nginx("tls", T1)
            .annotation(N + "backend-protocol", "HTTPS")
            .annotation(N + "proxy-ssl-secret", "ns/up-tls")
            .annotation(N + "proxy-ssl-verify", "on")
            .annotation(N + "proxy-ssl-name", "backend.internal")
            .annotation(N + "proxy-ssl-verify-depth", "2")
            .annotation(N + "proxy-ssl-ciphers", "ECDHE-RSA-AES128-GCM-SHA256:HIGH:!aNULL:RC4-SHA")
            .annotation(N + "proxy-ssl-protocols", "TLSv1.1 TLSv1.2")
            .rule("tls.test", p("Prefix", "/", "web", 80))
            .build());
    ingresses.add(
        nginx("old-only", T1)
            .annotation(N + "proxy-ssl-verify", "on")
            .annotation(N + "proxy-ssl-protocols", "TLSv1 TLSv1.1")
            .rule("old.test", p("Prefix", "/", "web", 80))
            .build());
    ingresses.add(
        nginx("elsewhere", T1)
            .annotation(N + "proxy-ssl-secret", "other/up-tls")
            .rule("elsewhere.test", p("Prefix", "/", "web", 80))
            .build());
    ingresses.add(
        nginx("depth-alone", T1)
            .annotation(N + "proxy-ssl-verify-depth", "3")
            .rule("depth.test", p("Prefix", "/", "web", 80))
            .build());
    BuildResult r = build();
    var tls = only(r, "tls.test").getPolicy().getUpstreamTls();
    assertThat(tls.getCaPem()).isEqualTo("CA PEM");
    assertThat(tls.getCertPem()).isEqualTo("CRT PEM");
    assertThat(tls.getKeyPem()).isEqualTo("KEY PEM");
    assertThat(tls.getVerify()).isTrue();
    assertThat(tls.getServerName()).isEqualTo("backend.internal");
    assertThat(tls.getVerifyDepth()).isEqualTo(2);
    assertThat(tls.getCiphersList()).containsExactly("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    assertThat(tls.getProtocolsList()).containsExactly("TLSv1.2");
    assertThat(event(r, "tls", "NginxAnnotationApproximated"))
        .contains("HIGH:!aNULL:RC4-SHA not offered")
        .contains("TLSv1.1 never offered");
    assertThat(only(r, "old.test").getPolicy().getUpstreamTls().getProtocolsList())
        .as("nothing Aralez speaks: invalid, the defaults stay")
        .isEmpty();
    assertThat(event(r, "old-only", "NginxAnnotationInvalid")).contains("proxy-ssl-protocols");
    assertThat(only(r, "elsewhere.test").getDirectStatus()).isEqualTo(503);
    assertThat(reasons(r, "elsewhere")).contains("AnnotationParsingFailed");
    assertThat(only(r, "depth.test").getPolicy().hasUpstreamTls()).isFalse();
    assertThat(event(r, "depth-alone", "NginxAnnotationIgnored"))
        .contains("proxy-ssl-verify-depth");
  }

  static Secret clientCa() {
    return new io.fabric8.kubernetes.api.model.SecretBuilder()
        .withNewMetadata()
        .withNamespace("ns")
        .withName("client-ca")
        .endMetadata()
        .withStringData(Map.of("ca.crt", "CA PEM"))
        .build();
  }

  @Test
  void authTlsReadsTheCaFromTheIngressNamespaceAndChecksItsValues() {
    secrets.add(clientCa());
    ingresses.add(
        nginx("mtls", T1)
            .annotation(N + "auth-tls-secret", "ns/client-ca")
            .annotation(N + "auth-tls-verify-client", "optional_no_ca")
            .annotation(N + "auth-tls-verify-depth", "2")
            .annotation(N + "auth-tls-match-cn", "CN=(alice|bob)")
            .rule("mtls.test", p("Prefix", "/", "web", 80))
            .build());
    ingresses.add(
        nginx("bad-mode", T1)
            .annotation(N + "auth-tls-secret", "client-ca")
            .annotation(N + "auth-tls-verify-client", "sometimes")
            .rule("bad-mode.test", p("Prefix", "/", "web", 80))
            .build());
    ingresses.add(
        nginx("other-ns", T1)
            .annotation(N + "auth-tls-secret", "kube-system/client-ca")
            .rule("other-ns.test", p("Prefix", "/", "web", 80))
            .build());
    ingresses.add(
        nginx("no-ca", T1)
            .annotation(N + "auth-tls-secret", "missing")
            .rule("no-ca.test", p("Prefix", "/", "web", 80))
            .build());
    BuildResult r = build();
    var certs = only(r, "mtls.test").getRules().getClientCertificates();
    assertThat(certs.getCaPem()).isEqualTo("CA PEM");
    assertThat(certs.getVerifyClient()).isEqualTo("optional_no_ca");
    assertThat(certs.getVerifyDepth()).isEqualTo(2);
    assertThat(certs.getMatchCn()).isEqualTo("CN=(alice|bob)");
    assertThat(only(r, "bad-mode.test").getRules().getClientCertificates().getVerifyClient())
        .as("an invalid mode is ignored: the default applies")
        .isEqualTo("on");
    assertThat(event(r, "bad-mode", "NginxAnnotationInvalid")).contains("auth-tls-verify-client");
    assertThat(only(r, "other-ns.test").getDirectStatus()).isEqualTo(503);
    assertThat(only(r, "no-ca.test").getDirectStatus()).isEqualTo(503);
  }

  @Test
  void authTlsIsPerHostAndTheOldestIngressSetsIt() {
    secrets.add(clientCa());
    ingresses.add(
        nginx("younger", T2)
            .annotation(N + "auth-tls-secret", "client-ca")
            .annotation(N + "auth-tls-verify-client", "optional")
            .rule("shop.test", p("Prefix", "/admin", "web", 80))
            .build());
    ingresses.add(
        nginx("older", T1)
            .annotation(N + "auth-tls-secret", "client-ca")
            .rule("shop.test", p("Prefix", "/", "web", 80))
            .build());
    ingresses.add(nginx("plain", T1).rule("shop.test", p("Prefix", "/api", "web", 80)).build());
    ingresses.add(nginx("elsewhere", T1).rule("other.test", p("Prefix", "/", "web", 80)).build());
    BuildResult r = build();
    assertThat(host(r, "shop.test").getRoutesList())
        .as("every path of the host, from any Ingress, with the oldest Ingress's settings")
        .hasSize(3)
        .allSatisfy(
            x ->
                assertThat(x.getRules().getClientCertificates().getVerifyClient()).isEqualTo("on"));
    assertThat(only(r, "other.test").getRules().hasClientCertificates()).isFalse();
    assertThat(status(r, "younger").warnings())
        .anyMatch(w -> w.contains("auth-tls for host shop.test comes from an older Ingress"));
  }

  @Test
  void loadBalanceEwmaFromTheAnnotationOrTheConfigMap() {
    config.put("load-balance", "ewma");
    ingresses.add(nginx("by-default", T1).rule("d.test", p("Prefix", "/", "web", 80)).build());
    ingresses.add(
        nginx("round", T1)
            .annotation(N + "load-balance", "round_robin")
            .rule("r.test", p("Prefix", "/", "web", 80))
            .build());
    ingresses.add(
        nginx("bad", T1)
            .annotation(N + "load-balance", "least_conn")
            .rule("b.test", p("Prefix", "/", "web", 80))
            .build());
    BuildResult r = build();
    assertThat(only(r, "d.test").getPolicy().getLoadBalancing())
        .isEqualTo(io.aralez.api.v1.LoadBalancing.EWMA);
    assertThat(only(r, "r.test").getPolicy().getLoadBalancing())
        .isEqualTo(io.aralez.api.v1.LoadBalancing.ROUND_ROBIN);
    assertThat(only(r, "b.test").getPolicy().getLoadBalancing())
        .as("an invalid value is ignored: the ConfigMap's applies")
        .isEqualTo(io.aralez.api.v1.LoadBalancing.EWMA);
    assertThat(event(r, "bad", "NginxAnnotationInvalid")).contains("least_conn");
    // An Ingress of Aralez's own class does not get ingress-nginx's ConfigMap defaults.
    ingresses.clear();
    ingresses.add(
        new Ing("ns", "own", T1)
            .className("aralez")
            .annotation(N + "load-balance", "ewma")
            .rule("own.test", p("Prefix", "/", "web", 80))
            .build());
    ingresses.add(
        new Ing("ns", "own-plain", T1)
            .className("aralez")
            .rule("own-plain.test", p("Prefix", "/", "web", 80))
            .build());
    r = build();
    assertThat(only(r, "own.test").getPolicy().getLoadBalancing())
        .isEqualTo(io.aralez.api.v1.LoadBalancing.EWMA);
    assertThat(only(r, "own-plain.test").getPolicy().getLoadBalancing())
        .isEqualTo(io.aralez.api.v1.LoadBalancing.ROUND_ROBIN);
  }

  @Test
  void customHeadersComeFromAConfigMapOfTheNamespaceWithinTheAllowList() {
    config.put("global-allowed-response-headers", "X-One, x-two");
    configMaps.add(
        new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
            .withNewMetadata()
            .withNamespace("ns")
            .withName("headers")
            .endMetadata()
            .withData(Map.of("X-One", "1", "X-Two", "2", "X-Three", "3", "Content-Length", "5"))
            .build());
    ingresses.add(
        nginx("custom", T1)
            .annotation(N + "custom-headers", "headers")
            .rule("custom.test", p("Prefix", "/", "web", 80))
            .build());
    ingresses.add(
        nginx("missing", T1)
            .annotation(N + "custom-headers", "ns/absent")
            .rule("missing.test", p("Prefix", "/", "web", 80))
            .build());
    ingresses.add(
        nginx("elsewhere", T1)
            .annotation(N + "custom-headers", "other/headers")
            .rule("elsewhere.test", p("Prefix", "/", "web", 80))
            .build());
    BuildResult r = build();
    assertThat(only(r, "custom.test").getPolicy().getResponseHeadersList())
        .extracting(h -> h.getName() + "=" + h.getValue())
        .containsExactly("X-One=1", "X-Two=2");
    assertThat(only(r, "missing.test").getDirectStatus()).isEqualTo(503);
    assertThat(only(r, "elsewhere.test").getDirectStatus()).isEqualTo(503);
    assertThat(reasons(r, "elsewhere")).contains("AnnotationParsingFailed");
  }

  @Test
  void proxyNextUpstreamListsWhatGoesToAnotherEndpoint() {
    ingresses.add(nginx("plain", T1).rule("plain.test", p("Prefix", "/", "web", 80)).build());
    ingresses.add(
        nginx("listed", T1)
            .annotation(N + "proxy-next-upstream", "error http_502 http_503 non_idempotent")
            .annotation(N + "proxy-next-upstream-timeout", "7")
            .rule("listed.test", p("Prefix", "/", "web", 80))
            .build());
    ingresses.add(
        nginx("off", T1)
            .annotation(N + "proxy-next-upstream", "off")
            .rule("off.test", p("Prefix", "/", "web", 80))
            .build());
    BuildResult r = build();
    var plain = only(r, "plain.test").getPolicy().getNextUpstream();
    assertThat(plain.getError()).as("ingress-nginx's default: error timeout").isTrue();
    assertThat(plain.getTimeout()).isTrue();
    assertThat(plain.getStatusesList()).isEmpty();
    var listed = only(r, "listed.test").getPolicy().getNextUpstream();
    assertThat(listed.getStatusesList()).containsExactly(502, 503);
    assertThat(listed.getTimeout()).isFalse();
    assertThat(listed.getNonIdempotent()).isTrue();
    assertThat(listed.getTimeoutMs()).isEqualTo(7000);
    assertThat(only(r, "off.test").getPolicy().hasNextUpstream()).isFalse();
    assertThat(only(r, "off.test").getPolicy().getConnectAttempts()).isEqualTo(1);
  }

  @Test
  void mirrorTargetsExpandOnlyTheRequestUri() {
    ingresses.add(
        nginx("mirrored", T1)
            .annotation(N + "mirror-target", "https://shadow.internal$request_uri")
            .annotation(N + "mirror-host", "shadow.test")
            .annotation(N + "mirror-request-body", "off")
            .rule("mirrored.test", p("Prefix", "/", "web", 80))
            .build());
    ingresses.add(
        nginx("injected", T1)
            .annotation(N + "mirror-target", "https://shadow.internal$host$request_uri")
            .rule("injected.test", p("Prefix", "/", "web", 80))
            .build());
    BuildResult r = build();
    var m = only(r, "mirrored.test").getRules().getMirror();
    assertThat(m.getTarget()).isEqualTo("https://shadow.internal$request_uri");
    assertThat(m.getHost()).isEqualTo("shadow.test");
    assertThat(m.getRequestBody()).isFalse();
    assertThat(only(r, "injected.test").getRules().hasMirror()).isFalse();
    assertThat(event(r, "injected", "NginxAnnotationInvalid")).contains("mirror-target");
  }

  @Test
  void upstreamHashBySubsetPicksAGroup() {
    ingresses.add(
        nginx("subset", T1)
            .annotation(N + "upstream-hash-by", "$remote_addr")
            .annotation(N + "upstream-hash-by-subset", "true")
            .annotation(N + "upstream-hash-by-subset-size", "4")
            .rule("subset.test", p("Prefix", "/", "web", 80))
            .build());
    ingresses.add(
        nginx("default-size", T1)
            .annotation(N + "upstream-hash-by", "$remote_addr")
            .annotation(N + "upstream-hash-by-subset", "true")
            .rule("default-size.test", p("Prefix", "/", "web", 80))
            .build());
    BuildResult r = build();
    assertThat(only(r, "subset.test").getRules().getHashSubsetSize()).isEqualTo(4);
    assertThat(only(r, "default-size.test").getRules().getHashSubsetSize()).isEqualTo(3);
  }
}
