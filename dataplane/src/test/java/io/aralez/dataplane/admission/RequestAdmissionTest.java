package io.aralez.dataplane.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.dataplane.policy.AuthDecision;
import io.aralez.dataplane.request.RequestHead;
import io.aralez.dataplane.request.RequestTarget;
import io.aralez.dataplane.testing.ProxyFixture;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Every admission step, decided without a channel: request view in, verdict out. */
public class RequestAdmissionTest {
  static final String ROUTES =
      """
      open.test:
        paths:
          "/":
            servers: ["10.0.0.1:80", "10.0.0.2:80"]
      limited.test:
        rate_limit: 2
        paths:
          "/":
            servers: ["10.0.0.1:80"]
      errors.test:
        x4xx_limit: 1
        paths:
          "/":
            servers: ["10.0.0.1:80"]
      moved.test:
        paths:
          "/":
            redirect_to: "https://new.example"
            servers: ["10.0.0.1:80"]
      secure.test:
        to_https: true
        paths:
          "/":
            servers: ["10.0.0.1:80"]
      key.test:
        authorization: {type: apikey, data: ["s3cret-key"]}
        paths:
          "/":
            servers: ["10.0.0.1:80"]
      basic.test:
        authorization: {type: basic, data: ["ann:$2a$04$QvLBh8e3uC6aVv0Cj1OjBOmQ1xq6e0p0iJmQdN0b0mQ5rZ0x4mYbC"]}
        paths:
          "/":
            servers: ["10.0.0.1:80"]
      plainbasic.test:
        authorization: {type: basic, data: ["ann:secret"]}
        paths:
          "/":
            servers: ["10.0.0.1:80"]
      scoped.test:
        paths:
          "/admin":
            authorization: {type: apikey, data: ["admin-key"]}
            servers: ["10.0.0.1:80"]
          "/":
            servers: ["10.0.0.2:80"]
      fwd.test:
        authorization: {type: forward, data: ["http://auth.internal/check"]}
        paths:
          "/":
            servers: ["10.0.0.1:80"]
      """;

  /** A request view with no codec behind it. */
  record Head(String method, String uri, Map<String, List<String>> all) implements RequestHead {
    static Head get(String host, String uri, String... headers) {
      Map<String, List<String>> h = new LinkedHashMap<>();
      h.computeIfAbsent("host", k -> new ArrayList<>()).add(host);
      for (int i = 0; i < headers.length; i += 2) {
        h.computeIfAbsent(headers[i].toLowerCase(Locale.ROOT), k -> new ArrayList<>())
            .add(headers[i + 1]);
      }
      return new Head("GET", uri, h);
    }

    @Override
    public boolean http11() {
      return true;
    }

    @Override
    public String header(String name) {
      List<String> v = headers(name);
      return v.isEmpty() ? null : v.get(0);
    }

    @Override
    public List<String> headers(String name) {
      return all.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }
  }

  /** A request view for tests of other packages. */
  public static io.aralez.dataplane.request.RequestHead headOf(
      String method, String host, String uri) {
    return new Head(method, uri, Head.get(host, uri).all());
  }

  final ProxyFixture fixture = ProxyFixture.of(ROUTES);
  final List<String> rejected = new ArrayList<>();

  Admission admit(boolean secure, Head head) {
    var services =
        fixture.services.withChallenges(t -> t.equals("tok-1_A") ? "tok-1_A.thumb" : null);
    var admission = new RequestAdmission(services, fixture.settings(secure));
    RequestTarget target = RequestTarget.parse(head);
    assertThat(target).as("valid target").isNotNull();
    return admission.admit(fixture.config(), head, target, "192.0.2.10");
  }

  Admission admit(Head head) {
    return admit(false, head);
  }

  static Verdict.Local local(Admission a) {
    assertThat(a.verdict()).isInstanceOf(Verdict.Local.class);
    return (Verdict.Local) a.verdict();
  }

  @Test
  @Tag("catalogue-2.3")
  void aPathABackendCouldReadAsAnotherRouteIsRefused() {
    for (String path :
        List.of("/public/..%2fadmin", "/admin%2Fx", "/public%5c..%5cadmin", "/public/..;/admin")) {
      Admission a = admit(Head.get("scoped.test", path));
      assertThat(local(a).status()).as(path).isEqualTo(400);
    }
    assertThat(fixture.metrics.scrape()).contains("reason=\"ambiguous_path\"");
    // Parameters or encoded slashes that stay within one route are forwarded as sent.
    var f =
        (Verdict.Forward)
            admit(Head.get("scoped.test", "/admin/x;v=1", "x-api-key", "admin-key")).verdict();
    assertThat(f.uri()).isEqualTo("/admin/x;v=1");
    assertThat(local(admit(Head.get("scoped.test", "/admin;v=1/x", "x-api-key", "k"))).status())
        .as("a parameter on the route's own segment")
        .isEqualTo(400);
    var g = (Verdict.Forward) admit(Head.get("scoped.test", "/projects/g%2Fp")).verdict();
    assertThat(g.uri()).isEqualTo("/projects/g%2Fp");
  }

  @Test
  void shortOfMemoryEveryRoutedRequestIs503WithRetryAfterUntilThePressureEnds() {
    boolean[] high = {true};
    var admission =
        new RequestAdmission(fixture.services.withPressure(() -> high[0]), fixture.settings(false));
    Head head = Head.get("open.test", "/a");
    Verdict.Local shed =
        (Verdict.Local)
            admission
                .admit(fixture.config(), head, RequestTarget.parse(head), "192.0.2.10")
                .verdict();
    assertThat(shed.status()).isEqualTo(503);
    assertThat(shed.headers()).containsEntry("retry-after", "1");
    assertThat(fixture.metrics.scrape()).contains("reason=\"direct_memory\"");
    high[0] = false;
    assertThat(
            admission
                .admit(fixture.config(), head, RequestTarget.parse(head), "192.0.2.10")
                .verdict())
        .isInstanceOf(Verdict.Forward.class);
  }

  @Test
  void anUnknownHostIs404WithoutRouteLabels() {
    Admission a = admit(Head.get("nobody.test", "/"));
    assertThat(local(a).status()).isEqualTo(404);
    assertThat(a.facts().host()).isEqualTo("none");
    assertThat(a.facts().client()).isEqualTo("192.0.2.10");
  }

  @Test
  void anOpenRouteForwardsRoundRobinWithTheClientsTarget() {
    Admission first = admit(Head.get("open.test", "/a?b=1"));
    Admission second = admit(Head.get("open.test", "/a?b=1"));
    var f1 = (Verdict.Forward) first.verdict();
    var f2 = (Verdict.Forward) second.verdict();
    assertThat(f1.uri()).isEqualTo("/a?b=1");
    assertThat(List.of(f1.index(), f2.index())).containsExactlyInAnyOrder(0, 1);
    assertThat(first.facts().host()).isEqualTo("open.test");
    assertThat(first.facts().limitKey()).as("no limits, no key").isNull();
  }

  @Test
  @Tag("catalogue-2.10")
  void theRateLimitAnswers429WithRetryAfterInWholeSeconds() {
    List<Integer> statuses = new ArrayList<>();
    Verdict.Local refused = null;
    for (int i = 0; i < 5; i++) {
      Admission a = admit(Head.get("limited.test", "/"));
      if (a.verdict() instanceof Verdict.Local l) {
        refused = l;
        statuses.add(l.status());
      } else {
        statuses.add(200);
      }
    }
    assertThat(statuses).contains(429);
    assertThat(Long.parseLong(refused.headers().get("retry-after"))).isBetween(1L, 2L);
    assertThat(fixture.metrics.scrape()).contains("reason=\"rate_limit\"");
  }

  @Test
  @Tag("catalogue-2.10")
  void theErrorLimitBlocksAClientThatEarnedTooMany4xx() {
    Admission a = admit(Head.get("errors.test", "/"));
    assertThat(a.verdict()).isInstanceOf(Verdict.Forward.class);
    for (int i = 0; i < 3; i++) {
      fixture.services.errors().record(a.facts().limitKey(), a.facts().x4xxLimit());
    }
    Verdict.Local blocked = local(admit(Head.get("errors.test", "/")));
    assertThat(blocked.status()).isEqualTo(429);
    assertThat(blocked.headers()).containsKey("retry-after");
  }

  @Test
  void redirectToKeepsThePathAndQuery() {
    Verdict.Local l = local(admit(Head.get("moved.test", "/x/y?z=1")));
    assertThat(l.status()).isEqualTo(301);
    assertThat(l.headers()).containsEntry("location", "https://new.example/x/y?z=1");
  }

  @Test
  void theHttpsRedirectNamesThePortClientsUse() {
    // Behind a Service mapping 443 to the pod's 8443, clients must be sent to 443, not 8443.
    String main =
        "proxy_address_http: 127.0.0.1:8080\nupstreams_conf: upstreams.yaml\n"
            + "https_redirect_port: %d\n";
    for (var c :
        Map.of(8443, "https://secure.test:8443/p", 443, "https://secure.test/p").entrySet()) {
      var f = new ProxyFixture(String.format(main, c.getKey()), ROUTES);
      var admission = new RequestAdmission(f.services, f.settings(false));
      Head head = Head.get("secure.test", "/p");
      Verdict.Local l =
          local(admission.admit(f.config(), head, RequestTarget.parse(head), "192.0.2.10"));
      assertThat(l.headers()).containsEntry("location", c.getValue());
    }
    // use-port-in-redirects: the port even when it is 443.
    var explicit =
        new ProxyFixture(
            String.format(main, 443),
            ROUTES,
            r ->
                r.withRules(
                    RouteRulesAdmissionTest.with(
                        io.aralez.dataplane.config.RouteRules.NONE,
                        "httpsRedirect",
                        new io.aralez.dataplane.config.RouteRules.HttpsRedirect(false, true))));
    Head head = Head.get("secure.test", "/p");
    Verdict.Local l =
        local(
            new RequestAdmission(explicit.services, explicit.settings(false))
                .admit(explicit.config(), head, RequestTarget.parse(head), "192.0.2.10"));
    assertThat(l.headers()).containsEntry("location", "https://secure.test:443/p");
  }

  @Test
  void toHttpsRedirectsOnlyOnThePlainListener() {
    Verdict.Local l = local(admit(false, Head.get("secure.test:8080", "/p?q")));
    assertThat(l.headers()).containsEntry("location", "https://secure.test/p?q");
    assertThat(admit(true, Head.get("secure.test", "/p")).verdict())
        .isInstanceOf(Verdict.Forward.class);
  }

  @Test
  @Tag("catalogue-2.9")
  void anApiKeyIsCheckedHere() {
    assertThat(local(admit(Head.get("key.test", "/"))).status()).isEqualTo(401);
    assertThat(admit(Head.get("key.test", "/", "x-api-key", "s3cret-key")).verdict())
        .isInstanceOf(Verdict.Forward.class);
    assertThat(fixture.metrics.scrape()).contains("reason=\"auth_apikey\"");
  }

  @Test
  @Tag("catalogue-2.9")
  void basicAuthWithoutCredentialsAsksForThem() {
    Verdict.Local l = local(admit(Head.get("plainbasic.test", "/")));
    assertThat(l.status()).isEqualTo(401);
    assertThat(l.headers()).containsKey("www-authenticate");
    String ok = "Basic " + Base64.getEncoder().encodeToString("ann:secret".getBytes());
    assertThat(admit(Head.get("plainbasic.test", "/", "authorization", ok)).verdict())
        .isInstanceOf(Verdict.Forward.class);
  }

  @Test
  @Tag("catalogue-2.9")
  void aBcryptCheckBecomesACalloutOffTheRequestPath() {
    String creds = "Basic " + Base64.getEncoder().encodeToString("ann:pw".getBytes());
    Admission a = admit(Head.get("basic.test", "/", "authorization", creds));
    assertThat(a.verdict()).isInstanceOf(Verdict.Callout.class);
    var callout = (Verdict.Callout) a.verdict();
    assertThat(callout.decision()).isInstanceOf(AuthDecision.Pending.class);
    assertThat(callout.forward().entry().route().host()).isEqualTo("basic.test");
  }

  @Test
  @Tag("catalogue-2.9")
  void forwardAuthIsACalloutToTheAuthServer() {
    var callout = (Verdict.Callout) admit(Head.get("fwd.test", "/")).verdict();
    assertThat(((AuthDecision.Forward) callout.decision()).url())
        .isEqualTo("http://auth.internal/check");
  }

  @Test
  @Tag("catalogue-2.12")
  void anAcmeChallengeIsAnsweredForAnyHostBeforeRoutingAndRedirects() {
    for (String host : List.of("secure.test", "nobody.test", "moved.test")) {
      Verdict.Local l = local(admit(Head.get(host, "/.well-known/acme-challenge/tok-1_A")));
      assertThat(l.status()).as(host).isEqualTo(200);
      assertThat(l.body()).isEqualTo("tok-1_A.thumb");
    }
    // An unknown token, a token that is not base64url, or the TLS listener: routing as usual.
    assertThat(local(admit(Head.get("secure.test", "/.well-known/acme-challenge/other"))).status())
        .isEqualTo(301);
    assertThat(local(admit(Head.get("nobody.test", "/.well-known/acme-challenge/a.b"))).status())
        .isEqualTo(404);
    assertThat(
            admit(true, Head.get("secure.test", "/.well-known/acme-challenge/tok-1_A")).verdict())
        .isInstanceOf(Verdict.Forward.class);
  }

  @Test
  @Tag("catalogue-2.4")
  void forwardingHeadersCountOnlyFromTrustedPeers() {
    Admission a = admit(Head.get("limited.test", "/", "x-forwarded-for", "203.0.113.5"));
    assertThat(a.facts().client()).isEqualTo("192.0.2.10");
    assertThat(a.facts().trustedPeer()).isFalse();
    assertThat(a.facts().limitKey()).isEqualTo("192.0.2.10|limited.test");
  }
}
