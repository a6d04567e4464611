package io.aralez.controller.snapshot;

import static io.aralez.controller.snapshot.Objects.p;
import static io.aralez.controller.snapshot.Objects.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.api.v1.PathMatch;
import io.aralez.api.v1.Route;
import io.aralez.api.v1.RouteRules;
import io.aralez.controller.crd.AralezRoute;
import io.aralez.controller.crd.AralezRouteSpec;
import io.aralez.controller.snapshot.Objects.Ing;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The request rules for native users: {@code aralez.io/*} annotations (strict: a bad value leaves
 * the Ingress out) and AralezRoute fields shaped like Gateway API's filters.
 */
class RequestRulesTest {
  final Resolvers resolvers =
      Resolvers.of(
          new Lookups(
              List.of(service("ns", "web", "http=80"), service("ns", "errors", "http=8080")),
              List.of(),
              List.of()));

  Route ingressRoute(Map<String, String> ann, String type, String path, ObjectReport[] out) {
    Ing b = new Ing("ns", "i", "2026-01-01T00:00:00Z").rule("a.test", p(type, path, "web", 80));
    ann.forEach(b::annotation);
    var ing = b.build();
    ObjectReport report = new ObjectReport(ing);
    new IngressTranslator(resolvers).add(ing, report);
    out[0] = report;
    List<Route> routes = resolvers.claims().resolve().get("a.test");
    return routes == null ? null : routes.get(0);
  }

  @Test
  void aralezAnnotationsCarryTheRules() {
    ObjectReport[] r = new ObjectReport[1];
    Route route =
        ingressRoute(
            Map.ofEntries(
                Map.entry("aralez.io/use-regex", "true"),
                Map.entry("aralez.io/rewrite-target", "/$1"),
                Map.entry("aralez.io/x-forwarded-prefix", "/api"),
                Map.entry("aralez.io/max-body-size", "8m"),
                Map.entry("aralez.io/allow-source-range", "10.0.0.0/8, 192.0.2.1"),
                Map.entry("aralez.io/deny-source-range", "10.1.0.0/16"),
                Map.entry("aralez.io/upstream-vhost", "internal.svc"),
                Map.entry("aralez.io/hsts", "max-age=600; includeSubDomains"),
                Map.entry("aralez.io/enable-cors", "true"),
                Map.entry("aralez.io/cors-allow-origin", "https://*.example.com"),
                Map.entry("aralez.io/cors-allow-credentials", "false")),
            "ImplementationSpecific",
            "/api/(.*)",
            r);
    assertThat(r[0].errors).isEmpty();
    assertThat(route.getPath().getType()).isEqualTo(PathMatch.Type.REGEX);
    RouteRules rules = route.getRules();
    assertThat(rules.getRewriteTarget()).isEqualTo("/$1");
    assertThat(rules.getForwardedPrefix()).isEqualTo("/api");
    assertThat(rules.getMaxBodyBytes()).isEqualTo(8L << 20);
    assertThat(rules.getAllowSourcesList()).containsExactly("10.0.0.0/8", "192.0.2.1");
    assertThat(rules.getDenySourcesList()).containsExactly("10.1.0.0/16");
    assertThat(rules.getUpstreamHost()).isEqualTo("internal.svc");
    assertThat(rules.getHsts()).isEqualTo("max-age=600; includeSubDomains");
    assertThat(rules.getCors().getAllowOriginsList()).containsExactly("https://*.example.com");
    assertThat(rules.getCors().getAllowCredentials()).isFalse();
    assertThat(rules.getCors().getAllowMethods()).isEqualTo(RuleValues.CORS_METHODS);
  }

  @Test
  @Tag("catalogue-2.14")
  void aBadAralezValueLeavesTheIngressOut() {
    for (Map<String, String> ann :
        List.of(
            Map.of("aralez.io/max-body-size", "15r"),
            Map.of("aralez.io/allow-source-range", "10.0.0.0/33"),
            Map.of("aralez.io/rewrite-target", "/a b"),
            Map.of("aralez.io/hsts", "max-age=1\r\nX: y"),
            Map.of("aralez.io/cors-allow-origin", "https://a.test"),
            Map.of("aralez.io/x-forwarded-prefix", "/p"),
            Map.of("aralez.io/use-regex", "true", "aralez.io/rewrite-target", "/$1"))) {
      ObjectReport[] r = new ObjectReport[1];
      String path = ann.containsKey("aralez.io/use-regex") ? "/a(" : "/";
      Route route = ingressRoute(ann, "ImplementationSpecific", path, r);
      assertThat(r[0].status().accepted()).as(ann.toString()).isFalse();
      assertThat(route).as(ann.toString()).isNull();
    }
  }

  static AralezRoute route(AralezRouteSpec.Policies defaults, AralezRouteSpec.Rule rule) {
    AralezRouteSpec spec = new AralezRouteSpec();
    spec.hostnames = List.of("r.test");
    spec.defaults = defaults;
    AralezRouteSpec.Backend b = new AralezRouteSpec.Backend();
    b.service = new AralezRouteSpec.ServiceRef();
    b.service.name = "web";
    b.service.port = new AralezRouteSpec.Port();
    b.service.port.number = 80;
    rule.backends = List.of(b);
    spec.routes = List.of(rule);
    return Objects.route("ns", "r", "2026-01-01T00:00:00Z", spec);
  }

  static AralezRouteSpec.Rule prefixRule(String prefix) {
    AralezRouteSpec.Rule rule = new AralezRouteSpec.Rule();
    AralezRouteSpec.Match m = new AralezRouteSpec.Match();
    m.path = new AralezRouteSpec.PathMatch();
    m.path.type = "PathPrefix";
    m.path.value = prefix;
    rule.matches = List.of(m);
    return rule;
  }

  ObjectReport add(AralezRoute ar) {
    ObjectReport report = new ObjectReport(ar);
    new AralezRouteTranslator(resolvers).add(ar, report);
    return report;
  }

  @Test
  void aralezRouteFieldsAreInheritedFromDefaultsAndShapedLikeGatewayFilters() {
    AralezRouteSpec.Policies defaults = new AralezRouteSpec.Policies();
    defaults.maxRequestBodySize = "1k";
    defaults.sourceRanges = new AralezRouteSpec.SourceRanges();
    defaults.sourceRanges.deny = List.of("192.0.2.0/24");
    AralezRouteSpec.Rule rule = prefixRule("/old");
    rule.urlRewrite = new AralezRouteSpec.UrlRewrite();
    rule.urlRewrite.hostname = "backend.internal";
    rule.urlRewrite.path = new AralezRouteSpec.PathRewrite();
    rule.urlRewrite.path.type = "ReplacePrefixMatch";
    rule.urlRewrite.path.replacePrefixMatch = "/new/";
    rule.cors = new AralezRouteSpec.Cors();
    rule.cors.allowOrigins = List.of("https://app.example.com");
    rule.cors.allowMethods = List.of("GET", "POST");
    rule.cors.maxAge = 60;
    ObjectReport report = add(route(defaults, rule));
    assertThat(report.errors).isEmpty();
    RouteRules rules = resolvers.claims().resolve().get("r.test").get(0).getRules();
    assertThat(rules.getMaxBodyBytes()).isEqualTo(1024);
    assertThat(rules.getDenySourcesList()).containsExactly("192.0.2.0/24");
    assertThat(rules.getUpstreamHost()).isEqualTo("backend.internal");
    assertThat(rules.getRewriteTarget()).isEqualTo("/new$1");
    assertThat(rules.getCors().getAllowMethods()).isEqualTo("GET, POST");
    assertThat(rules.getCors().getMaxAgeSeconds()).isEqualTo(60);
  }

  @Test
  void replacePrefixMatchNeedsPrefixMatchesAndAFullPathNeedsItsValue() {
    AralezRouteSpec.Rule exact = prefixRule("/x");
    exact.matches.get(0).path.type = "Exact";
    exact.urlRewrite = new AralezRouteSpec.UrlRewrite();
    exact.urlRewrite.path = new AralezRouteSpec.PathRewrite();
    exact.urlRewrite.path.type = "ReplacePrefixMatch";
    exact.urlRewrite.path.replacePrefixMatch = "/y";
    assertThat(add(route(null, exact)).status().accepted()).isFalse();
    AralezRouteSpec.Rule full = prefixRule("/x");
    full.urlRewrite = new AralezRouteSpec.UrlRewrite();
    full.urlRewrite.path = new AralezRouteSpec.PathRewrite();
    full.urlRewrite.path.type = "ReplaceFullPath";
    assertThat(add(route(null, full)).status().accepted()).isFalse();
  }

  @Test
  void errorPagesFromTheAnnotationsNeedADefaultBackend() {
    ObjectReport[] r = new ObjectReport[1];
    Route route =
        ingressRoute(
            Map.of(
                "aralez.io/custom-http-errors", "404,502",
                "aralez.io/default-backend", "errors"),
            "Prefix",
            "/",
            r);
    assertThat(r[0].errors).isEmpty();
    assertThat(route.getRules().getInterceptCodesList()).containsExactly(404, 502);
    assertThat(route.getFallbackBackends(0).getCluster()).isEqualTo("ns/errors:8080");
    assertThat(route.getFallbackHeadersList())
        .extracting(h -> h.getName() + "=" + h.getValue())
        .contains("X-Ingress-Name=i", "X-Service-Name=web", "X-Service-Port=80");
    for (Map<String, String> bad :
        List.of(
            Map.of("aralez.io/custom-http-errors", "404"),
            Map.of("aralez.io/custom-http-errors", "302", "aralez.io/default-backend", "errors"),
            Map.of("aralez.io/default-backend", "Errors!"))) {
      ingressRoute(bad, "Prefix", "/", r);
      assertThat(r[0].status().accepted()).as(bad.toString()).isFalse();
    }
  }

  @Test
  void errorPagesOfAnAralezRouteAreInheritedAndChecked() {
    AralezRouteSpec.Policies defaults = new AralezRouteSpec.Policies();
    defaults.errorPages = new AralezRouteSpec.ErrorPages();
    defaults.errorPages.statusCodes = List.of(503);
    defaults.errorPages.service = new AralezRouteSpec.ServiceRef();
    defaults.errorPages.service.name = "errors";
    defaults.errorPages.service.port = new AralezRouteSpec.Port();
    defaults.errorPages.service.port.number = 8080;
    ObjectReport report = add(route(defaults, prefixRule("/")));
    assertThat(report.errors).isEmpty();
    Route r = resolvers.claims().resolve().get("r.test").get(0);
    assertThat(r.getRules().getInterceptCodesList()).containsExactly(503);
    assertThat(r.getFallbackBackends(0).getCluster()).isEqualTo("ns/errors:8080");
    assertThat(r.getFallbackHeadersList())
        .extracting(h -> h.getName() + "=" + h.getValue())
        .contains("X-Ingress-Name=r", "X-Service-Name=web");
    defaults.errorPages.statusCodes = List.of(200);
    assertThat(add(route(defaults, prefixRule("/"))).status().accepted()).isFalse();
  }
}
