package io.aralez.controller.snapshot;

import static io.aralez.controller.snapshot.Objects.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.api.v1.Route;
import io.aralez.controller.crd.AralezRoute;
import io.aralez.controller.crd.AralezRouteSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class AralezRouteTranslatorTest {
  private final Resolvers resolvers =
      Resolvers.of(
          new Lookups(
              List.of(service("ns", "web", "http=80"), service("ns", "grpc", "g=9000/grpc")),
              List.of(),
              List.of()));
  private final AralezRouteTranslator translator = new AralezRouteTranslator(resolvers);

  private static AralezRouteSpec.Backend backend(String svc, int port, Integer weight) {
    AralezRouteSpec.Backend b = new AralezRouteSpec.Backend();
    b.service = new AralezRouteSpec.ServiceRef();
    b.service.name = svc;
    b.service.port = new AralezRouteSpec.Port();
    b.service.port.number = port;
    b.weight = weight;
    return b;
  }

  private static AralezRoute route(AralezRouteSpec.Rule... rules) {
    AralezRouteSpec spec = new AralezRouteSpec();
    spec.hostnames = List.of("Shop.Example.com");
    spec.routes = List.of(rules);
    return Objects.route("ns", "r", "2026-01-01T00:00:00Z", spec);
  }

  private ObjectReport add(AralezRoute r) {
    ObjectReport report = new ObjectReport(r);
    translator.add(r, report);
    return report;
  }

  @Test
  void weightedBackendsOfOneProtocolBecomeOneRoutePerMatchAndHost() {
    AralezRouteSpec.Rule rule = new AralezRouteSpec.Rule();
    rule.backends =
        List.of(backend("web", 80, 3), backend("web", 80, 0), backend("missing", 80, 1));
    ObjectReport report = add(route(rule));
    assertThat(report.errors).isEmpty();
    List<Route> routes = resolvers.claims().resolve().get("shop.example.com");
    assertThat(routes).hasSize(1);
    // Weight 0 sends nothing; a missing Service is a warning, not an error.
    assertThat(routes.get(0).getBackendsList())
        .extracting(w -> w.getCluster() + "*" + w.getWeight())
        .containsExactly("ns/web:80*3");
    assertThat(report.warnings).singleElement().asString().contains("missing");
  }

  /** authentication and tls.httpsRedirect: what each type needs, and the bad values refused. */
  @Test
  void authenticationNeedsItsReferenceAndAnHttpsRedirectCodeIsChecked() {
    AralezRouteSpec.Rule noSecret = new AralezRouteSpec.Rule();
    noSecret.backends = List.of(backend("web", 80, 1));
    noSecret.authentication = new AralezRouteSpec.Authentication();
    noSecret.authentication.type = "Basic";
    assertThat(add(route(noSecret)).errors).singleElement().asString().contains("secretRef.name");

    AralezRouteSpec.Rule noUrl = new AralezRouteSpec.Rule();
    noUrl.backends = List.of(backend("web", 80, 1));
    noUrl.authentication = new AralezRouteSpec.Authentication();
    noUrl.authentication.type = "Forward";
    assertThat(add(route(noUrl)).errors).singleElement().asString().contains("forwardUrl");

    AralezRouteSpec.Rule kerberos = new AralezRouteSpec.Rule();
    kerberos.backends = List.of(backend("web", 80, 1));
    kerberos.authentication = new AralezRouteSpec.Authentication();
    kerberos.authentication.type = "Kerberos";
    assertThat(add(route(kerberos)).errors).singleElement().asString().contains("Kerberos");

    AralezRouteSpec.Rule forward = new AralezRouteSpec.Rule();
    forward.backends = List.of(backend("web", 80, 1));
    forward.authentication = new AralezRouteSpec.Authentication();
    forward.authentication.type = "Forward";
    forward.authentication.forwardUrl = "http://auth.ns.svc/check";
    AralezRoute ok = route(forward);
    ok.getSpec().tls = new AralezRouteSpec.Tls();
    ok.getSpec().tls.httpsRedirect = new AralezRouteSpec.HttpsRedirect();
    ok.getSpec().tls.httpsRedirect.statusCode = 308;
    assertThat(add(ok).errors).isEmpty();
    Route r = resolvers.claims().resolve().get("shop.example.com").get(0);
    assertThat(r.getPolicy().getAuth().getType()).isEqualTo(io.aralez.api.v1.Auth.Type.FORWARD);
    assertThat(r.getHttpsRedirect()).isTrue();
    assertThat(r.getPolicy().getRedirectCode()).isEqualTo(308);

    AralezRoute badCode = route(forward);
    badCode.getSpec().tls = new AralezRouteSpec.Tls();
    badCode.getSpec().tls.httpsRedirect = new AralezRouteSpec.HttpsRedirect();
    badCode.getSpec().tls.httpsRedirect.statusCode = 200;
    assertThat(add(badCode).errors).singleElement().asString().contains("200");
  }

  @Test
  void whatARuleMayNotBe() {
    AralezRouteSpec.Rule mixed = new AralezRouteSpec.Rule();
    mixed.backends = List.of(backend("web", 80, 1), backend("grpc", 9000, 1));
    assertThat(add(route(mixed)).errors).singleElement().asString().contains("different protocols");

    AralezRouteSpec.Rule neither = new AralezRouteSpec.Rule();
    assertThat(add(route(neither)).errors)
        .singleElement()
        .asString()
        .contains("either backends or a redirect");

    AralezRouteSpec.Rule both = new AralezRouteSpec.Rule();
    both.backends = List.of(backend("web", 80, 1));
    both.redirect = new AralezRouteSpec.Redirect();
    both.redirect.url = "https://new.example.com";
    assertThat(add(route(both)).errors).singleElement().asString().contains("either");

    AralezRouteSpec.Rule heavy = new AralezRouteSpec.Rule();
    heavy.backends = List.of(backend("web", 80, 2_000_000));
    assertThat(add(route(heavy)).errors).singleElement().asString().contains("weight");
    assertThat(resolvers.claims().resolve()).isEmpty();
  }
}
