package io.aralez.dataplane.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.dataplane.admission.RequestAdmissionTest.Head;
import io.aralez.dataplane.config.Cidr;
import io.aralez.dataplane.config.ProxyConfig;
import io.aralez.dataplane.config.RouteRules;
import io.aralez.dataplane.request.RequestTarget;
import io.aralez.dataplane.testing.ProxyFixture;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The request-rule steps (ingress-nginx's rewrite, app-root, fixed redirects, source lists, body
 * limit, CORS, HSTS, rate-limit status), each decided without a channel.
 */
class RouteRulesAdmissionTest {
  static final String ROUTES =
      """
      rewrite.test:
        paths:
          "/":
            servers: ["10.0.0.1:80"]
      plain.test:
        paths:
          "/":
            servers: ["10.0.0.1:80"]
      root.test:
        paths:
          "/":
            servers: ["10.0.0.1:80"]
      moved.test:
        paths:
          "/":
            servers: ["10.0.0.1:80"]
      samesite.test:
        paths:
          "/":
            servers: ["10.0.0.1:80"]
      nrate.test:
        # What the controller sends for older data planes; this one applies the nginx rate only.
        rate_limit: 1
        paths:
          "/a":
            servers: ["10.0.0.1:80"]
          "/b":
            servers: ["10.0.0.1:80"]
      path.test:
        paths:
          "/":
            servers: ["10.0.0.1:80"]
      relative.test:
        paths:
          "/":
            servers: ["10.0.0.1:80"]
      www.twin.test:
        paths:
          "/":
            servers: ["10.0.0.1:80"]
      lists.test:
        paths:
          "/":
            servers: ["10.0.0.1:80"]
      body.test:
        paths:
          "/":
            servers: ["10.0.0.1:80"]
      cors.test:
        paths:
          "/":
            servers: ["10.0.0.1:80"]
      any.test:
        authorization: {type: apikey, data: ["k"]}
        paths:
          "/":
            servers: ["10.0.0.1:80"]
      hash.test:
        paths:
          "/":
            servers: ["10.0.0.1:80", "10.0.0.2:80", "10.0.0.3:80", "10.0.0.4:80"]
      subset.test:
        paths:
          "/":
            servers: ["10.0.0.1:80", "10.0.0.2:80", "10.0.0.3:80", "10.0.0.4:80", "10.0.0.5:80"]
      realm.test:
        authorization: {type: basic, data: ["ann:secret"]}
        paths:
          "/":
            servers: ["10.0.0.1:80"]
      anycors.test:
        authorization: {type: apikey, data: ["k"]}
        paths:
          "/":
            servers: ["10.0.0.1:80"]
      limited.test:
        rate_limit: 1
        paths:
          "/":
            servers: ["10.0.0.1:80"]
      vhost.test:
        paths:
          "/":
            servers: ["10.0.0.1:80"]
      conc.test:
        paths:
          "/":
            servers: ["10.0.0.1:80"]
      prefix.test:
        paths:
          "/old":
            servers: ["10.0.0.1:80"]
          "/":
            servers: ["10.0.0.1:80"]
      """;

  static RouteRules rules() {
    return RouteRules.NONE;
  }

  static RouteRules with(RouteRules r, String field, Object v) {
    return new RouteRules(
        field.equals("rewrite") ? (String) v : r.rewrite(),
        field.equals("prefix") ? (String) v : r.forwardedPrefix(),
        field.equals("redirect") ? (RouteRules.FixedRedirect) v : r.redirect(),
        field.equals("appRoot") ? (String) v : r.appRoot(),
        field.equals("body") ? (Long) v : r.maxBodyBytes(),
        field.equals("host") ? (String) v : r.upstreamHost(),
        field.equals("access") ? (RouteRules.SourceAccess) v : r.access(),
        field.equals("cors") ? (RouteRules.Cors) v : r.cors(),
        field.equals("hsts") ? (String) v : r.hsts(),
        field.equals("limitStatus") ? (Integer) v : r.rateLimitStatus(),
        field.equals("httpsRedirect") ? (RouteRules.HttpsRedirect) v : r.httpsRedirect(),
        r.externalAuth(),
        field.equals("exempt") ? List.of(Cidr.parse((String) v)) : r.limitExempt(),
        field.equals("concurrent") ? (Integer) v : r.maxConcurrentPerClient(),
        field.equals("realm") ? (String) v : r.authRealm(),
        field.equals("hash") ? (String) v : r.hashBy(),
        field.equals("nolog") ? (Boolean) v : r.noAccessLog(),
        r.responseRewrite(),
        field.equals("satisfyAny") ? (Boolean) v : r.satisfyAny(),
        r.errorPages(),
        field.equals("clientAuth") ? (RouteRules.ClientAuth) v : r.clientAuth(),
        field.equals("mirror") ? (RouteRules.Mirror) v : r.mirror(),
        field.equals("subset") ? (Integer) v : r.hashSubsetSize(),
        field.equals("nginxRate") ? (RouteRules.NginxRate) v : r.nginxRate());
  }

  static ProxyConfig.Route edit(ProxyConfig.Route route) {
    RouteRules n = RouteRules.NONE;
    switch (route.host()) {
      case "rewrite.test" -> {
        ProxyConfig.Route regex =
            new ProxyConfig.Route(
                    route.host(),
                    "/something(/|$)(.*)",
                    route.backends(),
                    route.healthcheck(),
                    false,
                    null,
                    null,
                    null,
                    List.of(),
                    List.of(),
                    route.auth(),
                    null,
                    new io.aralez.dataplane.config.Match(
                        false, null, List.of(), List.of(), "/something(/|$)(.*)", List.of()),
                    null,
                    301,
                    null,
                    route.upstream())
                .withRules(with(with(n, "rewrite", "/$2"), "prefix", "/something"));
        return regex;
      }
      case "plain.test" -> {
        return route.withRules(with(n, "rewrite", "/new"));
      }
      case "root.test" -> {
        return route.withRules(with(n, "appRoot", "/app1"));
      }
      case "samesite.test" -> {
        return route.withSticky(
            new io.aralez.dataplane.config.ProxyConfig.StickySessions(
                true,
                null,
                new io.aralez.dataplane.config.CookieShape(
                    "INGRESSCOOKIE", "/", null, "None", null, null, true)));
      }
      case "nrate.test" -> {
        return route.withRules(
            with(
                with(n, "nginxRate", new RouteRules.NginxRate(0, 1, 2, "ns/limited")),
                "limitStatus",
                503));
      }
      case "path.test" -> {
        return route.withRules(
            with(n, "redirect", new RouteRules.FixedRedirect("/moved", 301, false, true)));
      }
      case "relative.test" -> {
        return route.withRules(
            with(n, "redirect", new RouteRules.FixedRedirect("/moved", 301, false, false)));
      }
      case "www.twin.test" -> {
        return route.withRules(
            with(
                n,
                "redirect",
                new RouteRules.FixedRedirect("$scheme://twin.test$request_uri", 308, true)));
      }
      case "moved.test" -> {
        return route.withRules(
            with(n, "redirect", new RouteRules.FixedRedirect("https://www.example.com/new", 308)));
      }
      case "lists.test" -> {
        return route.withRules(
            with(
                n,
                "access",
                new RouteRules.SourceAccess(
                    List.of(Cidr.parse("192.0.2.10")),
                    List.of(Cidr.parse("192.0.2.0/24"), Cidr.parse("198.51.100.0/24")))));
      }
      case "body.test" -> {
        return route.withRules(with(n, "body", 1024L));
      }
      case "cors.test" -> {
        return route.withRules(
            with(
                with(
                    n,
                    "cors",
                    new RouteRules.Cors(
                        false,
                        List.of(
                            RouteRules.Cors.origin("https://app.example.com"),
                            RouteRules.Cors.origin("https://*.dev.example.com:8443")),
                        "GET, POST",
                        "Authorization",
                        "X-Total",
                        true,
                        600)),
                "hsts",
                "max-age=31536000; includeSubDomains"));
      }
      case "anycors.test" -> {
        return route.withRules(
            with(
                n,
                "cors",
                new RouteRules.Cors(true, List.of(), "GET", "X-A", null, true, 1728000)));
      }
      case "limited.test" -> {
        return route.withRules(with(with(n, "limitStatus", 503), "exempt", "198.51.100.0/24"));
      }
      case "vhost.test" -> {
        return route.withRules(with(with(n, "host", "internal.svc"), "nolog", true));
      }
      case "any.test" -> {
        return route.withRules(
            with(
                with(
                    n,
                    "access",
                    new RouteRules.SourceAccess(List.of(), List.of(Cidr.parse("10.0.0.0/8")))),
                "satisfyAny",
                true));
      }
      case "hash.test" -> {
        return route.withRules(with(n, "hash", "$http_x_user|$arg_v"));
      }
      case "subset.test" -> {
        return route.withRules(with(with(n, "hash", "$http_x_user"), "subset", 2));
      }
      case "realm.test" -> {
        return route.withRules(with(n, "realm", "Shop staff"));
      }
      case "conc.test" -> {
        return route.withRules(with(with(n, "concurrent", 2), "limitStatus", 503));
      }
      case "prefix.test" -> {
        // Gateway API's ReplacePrefixMatch as the controller sends it: "$1" is what follows.
        return route.withRules(with(n, "rewrite", route.path().equals("/") ? "/root$1" : "/new$1"));
      }
      default -> {
        return route;
      }
    }
  }

  final ProxyFixture fixture = ProxyFixture.of(ROUTES, RouteRulesAdmissionTest::edit);

  Admission admit(boolean secure, Head head, String peer) {
    var admission = new RequestAdmission(fixture.services, fixture.settings(secure));
    RequestTarget target = RequestTarget.parse(head);
    return admission.admit(fixture.config(), head, target, peer);
  }

  Admission admit(Head head) {
    return admit(false, head, "192.0.2.20");
  }

  static Head method(String method, Head h) {
    return new Head(method, h.uri(), h.all());
  }

  static Verdict.Local local(Admission a) {
    assertThat(a.verdict()).isInstanceOf(Verdict.Local.class);
    return (Verdict.Local) a.verdict();
  }

  static Verdict.Forward forward(Admission a) {
    assertThat(a.verdict()).isInstanceOf(Verdict.Forward.class);
    return (Verdict.Forward) a.verdict();
  }

  @Test
  void rewriteReplacesTheWholePathWithTheGroupsAndKeepsTheQuery() {
    Map<String, String> cases =
        Map.of(
            "/something", "/",
            "/something/", "/",
            "/something/new", "/new",
            "/SomeThing/a/b?x=1&y=2", "/a/b?x=1&y=2",
            "/something/a%20b", "/a%20b");
    cases.forEach(
        (in, out) -> {
          Verdict.Forward f = forward(admit(Head.get("rewrite.test", in)));
          assertThat(f.uri()).as(in).isEqualTo(out);
          assertThat(f.edits().requestHeaders())
              .containsExactly(new ProxyConfig.Header("x-forwarded-prefix", "/something"));
        });
    // "/somethingelse" does not match the regex: no route on this host takes it.
    assertThat(local(admit(Head.get("rewrite.test", "/somethingelse"))).status()).isEqualTo(404);
  }

  @Test
  void rewriteOnAPlainPrefixReplacesEverything() {
    assertThat(forward(admit(Head.get("plain.test", "/a/b?q=1"))).uri()).isEqualTo("/new?q=1");
  }

  @Test
  void aPrefixReplacementKeepsWhatFollowsThePrefix() {
    Map<String, String> cases =
        Map.of(
            "/old", "/new",
            "/old/", "/new/",
            "/old/a/b?x=1", "/new/a/b?x=1",
            "/other", "/root/other");
    cases.forEach(
        (in, out) ->
            assertThat(forward(admit(Head.get("prefix.test", in))).uri()).as(in).isEqualTo(out));
  }

  @Test
  void appRootSendsOnlyTheRootToTheApplication() {
    Verdict.Local l = local(admit(Head.get("root.test:8080", "/?a=b")));
    assertThat(l.status()).isEqualTo(302);
    assertThat(l.headers()).containsEntry("location", "http://root.test:8080/app1");
    Verdict.Local tls = local(admit(true, Head.get("root.test", "/"), "192.0.2.20"));
    assertThat(tls.headers()).containsEntry("location", "https://root.test/app1");
    assertThat(forward(admit(Head.get("root.test", "/other"))).uri()).isEqualTo("/other");
  }

  @Test
  void aFixedRedirectAppendsNothing() {
    Verdict.Local l = local(admit(Head.get("moved.test", "/a/b?c=d")));
    assertThat(l.status()).isEqualTo(308);
    assertThat(l.headers()).containsEntry("location", "https://www.example.com/new");
  }

  @Test
  void aPathRedirectIsMadeAbsoluteOnTheRequestsSchemeAndHostUnlessRelative() {
    assertThat(local(admit(Head.get("path.test:8080", "/a?b=c"))).headers())
        .containsEntry("location", "http://path.test:8080/moved");
    assertThat(local(admit(true, Head.get("path.test", "/"), "192.0.2.20")).headers())
        .containsEntry("location", "https://path.test/moved");
    assertThat(local(admit(Head.get("relative.test", "/a"))).headers())
        .containsEntry("location", "/moved");
  }

  @Test
  void ingressNginxRatesAreALeakyBucketPerClientAndIngress() {
    // limit-rpm 1, multiplier 2: three at once, shared by the Ingress's two paths.
    assertThat(forward(admit(Head.get("nrate.test", "/a"))).uri()).isEqualTo("/a");
    forward(admit(Head.get("nrate.test", "/b")));
    forward(admit(Head.get("nrate.test", "/a")));
    Verdict.Local l = local(admit(Head.get("nrate.test", "/b")));
    assertThat(l.status()).isEqualTo(503);
    assertThat(l.headers()).doesNotContainKey("retry-after");
    assertThat(admit(false, Head.get("nrate.test", "/a"), "192.0.2.99").verdict())
        .as("another client has its own bucket")
        .isInstanceOf(Verdict.Forward.class);
    assertThat(fixture.metrics.scrape()).contains("reason=\"rate_limit\"");
  }

  @Test
  void theWwwRedirectNamesTheAddressedPortAndDropsOneTrailingSlash() {
    // ingress-nginx's e2e: www.<host>/foo over HTTP -> http://<host>:80/foo, / over TLS ->
    // https://<host>:443.
    Map<String, String> plain =
        Map.of(
            "/foo", "http://twin.test:80/foo",
            "/foo/", "http://twin.test:80/foo",
            "/", "http://twin.test:80",
            "/a/?q=1", "http://twin.test:80/a/?q=1");
    plain.forEach(
        (in, out) -> {
          Verdict.Local l = local(admit(Head.get("www.twin.test", in)));
          assertThat(l.status()).as(in).isEqualTo(308);
          assertThat(l.headers()).as(in).containsEntry("location", out);
        });
    assertThat(local(admit(true, Head.get("www.twin.test", "/"), "192.0.2.20")).headers())
        .containsEntry("location", "https://twin.test:443");
    assertThat(local(admit(Head.get("www.twin.test:8080", "/foo"))).headers())
        .as("a port the client named is the one it used")
        .containsEntry("location", "http://twin.test:8080/foo");
    assertThat(
            local(admit(Head.get("www.twin.test", "/foo", "x-forwarded-port", "8443"))).headers())
        .as("no trusted proxy here: its forwarding headers are not believed")
        .containsEntry("location", "http://twin.test:80/foo");
  }

  @Test
  void behindATrustedProxyTheWwwRedirectUsesItsSchemeAndPort() {
    ProxyFixture behindLb =
        new ProxyFixture(
            "proxy_address_http: 127.0.0.1:8080\nupstreams_conf: upstreams.yaml\n"
                + "trusted_proxies: [\"10.9.0.0/16\"]\n",
            "www.twin.test:\n  paths:\n    \"/\":\n      servers: [\"10.0.0.1:80\"]\n",
            RouteRulesAdmissionTest::edit);
    var admission = new RequestAdmission(behindLb.services, behindLb.settings(false));
    Head h =
        Head.get("www.twin.test", "/foo", "x-forwarded-proto", "https", "x-forwarded-port", "8443");
    assertThat(
            local(admission.admit(behindLb.config(), h, RequestTarget.parse(h), "10.9.1.1"))
                .headers())
        .containsEntry("location", "https://twin.test:8443/foo");
    assertThat(
            local(admission.admit(behindLb.config(), h, RequestTarget.parse(h), "203.0.113.5"))
                .headers())
        .containsEntry("location", "http://twin.test:80/foo");
  }

  @Test
  void theDenyListWinsOverTheAllowList() {
    assertThat(local(admit(false, Head.get("lists.test", "/"), "192.0.2.10")).status())
        .as("denied although inside an allowed block")
        .isEqualTo(403);
    assertThat(admit(false, Head.get("lists.test", "/"), "192.0.2.11").verdict())
        .isInstanceOf(Verdict.Forward.class);
    assertThat(admit(false, Head.get("lists.test", "/"), "198.51.100.7").verdict())
        .isInstanceOf(Verdict.Forward.class);
    assertThat(local(admit(false, Head.get("lists.test", "/"), "203.0.113.1")).status())
        .isEqualTo(403);
    assertThat(local(admit(false, Head.get("lists.test", "/"), "::1")).status()).isEqualTo(403);
    assertThat(fixture.metrics.scrape()).contains("reason=\"source_access\"");
  }

  @Test
  void aDeclaredBodyOverTheLimitIs413AndTheLimitTravelsForChunkedBodies() {
    assertThat(local(admit(Head.get("body.test", "/", "content-length", "1025"))).status())
        .isEqualTo(413);
    assertThat(
            local(admit(Head.get("body.test", "/", "content-length", "99999999999999999999")))
                .status())
        .isEqualTo(413);
    Verdict.Forward exact = forward(admit(Head.get("body.test", "/", "content-length", "1024")));
    assertThat(exact.maxBodyBytes()).isEqualTo(1024);
    Verdict.Forward chunked =
        forward(admit(Head.get("body.test", "/", "transfer-encoding", "chunked")));
    assertThat(chunked.maxBodyBytes()).isEqualTo(1024);
    assertThat(forward(admit(Head.get("plain.test", "/"))).edits())
        .as("a route without rules edits nothing")
        .isSameAs(Verdict.Edits.NONE);
  }

  @Test
  void corsAnswersPreflightsForAllowedOriginsOnly() {
    Verdict.Local pre =
        local(
            admit(
                method(
                    "OPTIONS",
                    Head.get("cors.test", "/api", "origin", "https://app.example.com"))));
    assertThat(pre.status()).isEqualTo(204);
    assertThat(pre.headers())
        .containsEntry("access-control-allow-origin", "https://app.example.com")
        .containsEntry("access-control-allow-credentials", "true")
        .containsEntry("access-control-allow-methods", "GET, POST")
        .containsEntry("access-control-allow-headers", "Authorization")
        .containsEntry("access-control-expose-headers", "X-Total")
        .containsEntry("access-control-max-age", "600")
        .containsEntry("content-type", "text/plain charset=UTF-8");
    // One label of wildcard, and the port must be the listed one.
    assertThat(
            local(
                    admit(
                        method(
                            "OPTIONS",
                            Head.get(
                                "cors.test", "/", "origin", "https://a.dev.example.com:8443"))))
                .status())
        .isEqualTo(204);
    for (String other :
        List.of(
            "https://a.b.dev.example.com:8443",
            "https://a.dev.example.com",
            "https://app.example.com.evil.test",
            "http://app.example.com")) {
      Verdict.Forward f =
          forward(admit(method("OPTIONS", Head.get("cors.test", "/", "origin", other))));
      assertThat(f.edits().responseHeaders()).as(other).isEmpty();
    }
    Verdict.Forward get =
        forward(admit(Head.get("cors.test", "/", "origin", "HTTPS://APP.example.com")));
    assertThat(get.edits().responseHeaders())
        .contains(new ProxyConfig.Header("access-control-allow-origin", "HTTPS://APP.example.com"));
  }

  @Test
  void aWildcardOriginSendsTheLiteralStarWithCredentialsAndReachesTheLocalAnswers() {
    Verdict.Local denied = local(admit(Head.get("anycors.test", "/")));
    assertThat(denied.status()).isEqualTo(401);
    assertThat(denied.headers())
        .containsEntry("access-control-allow-origin", "*")
        .containsEntry("access-control-allow-credentials", "true")
        .containsEntry("access-control-max-age", "1728000");
    assertThat(local(admit(method("OPTIONS", Head.get("anycors.test", "/")))).status())
        .as("the preflight comes before auth")
        .isEqualTo(204);
  }

  @Test
  void hstsOnlyOverTls() {
    Verdict.Forward tls =
        forward(admit(true, Head.get("cors.test", "/", "origin", "https://x.test"), "192.0.2.20"));
    assertThat(tls.edits().responseHeaders())
        .containsExactly(
            new ProxyConfig.Header(
                "strict-transport-security", "max-age=31536000; includeSubDomains"));
    Verdict.Forward plain = forward(admit(Head.get("cors.test", "/", "origin", "https://x.test")));
    assertThat(plain.edits().responseHeaders()).isEmpty();
  }

  @Test
  void theRateLimitStatusCanBeIngressNginxs503WithoutRetryAfter() {
    Verdict.Local refused = null;
    for (int i = 0; i < 5 && refused == null; i++) {
      if (admit(Head.get("limited.test", "/")).verdict() instanceof Verdict.Local l) {
        refused = l;
      }
    }
    assertThat(refused).isNotNull();
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.headers()).doesNotContainKey("retry-after");
    for (int i = 0; i < 5; i++) {
      assertThat(admit(false, Head.get("limited.test", "/"), "198.51.100.9").verdict())
          .as("limit-whitelist")
          .isInstanceOf(Verdict.Forward.class);
    }
  }

  @Test
  void aRouteCanStayOutOfTheAccessLog() {
    assertThat(admit(Head.get("vhost.test", "/")).facts().accessLogged()).isFalse();
    assertThat(admit(Head.get("plain.test", "/")).facts().accessLogged()).isTrue();
  }

  @Test
  void upstreamVhostReplacesTheHostSentUpstream() {
    assertThat(forward(admit(Head.get("vhost.test", "/"))).upstreamHost())
        .isEqualTo("internal.svc");
  }

  @Test
  void anAffinityCookieTakesTheRoutesShape() {
    var plain = new io.aralez.dataplane.config.ProxyConfig.StickySessions(true, null);
    assertThat(StickyCookie.header("abc", plain, false))
        .isEqualTo("backend_id=abc; Path=/; HttpOnly; SameSite=Lax");
    var nginx =
        new io.aralez.dataplane.config.ProxyConfig.StickySessions(
            true,
            60L,
            new io.aralez.dataplane.config.CookieShape(
                "INGRESSCOOKIE", "/app", ".example.com", null, null, 3600L));
    String h = StickyCookie.header("abc", nginx, true);
    assertThat(h)
        .startsWith("INGRESSCOOKIE=abc; Path=/app; Domain=.example.com; Max-Age=60; Expires=")
        .containsPattern(
            "Expires=[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT;")
        .endsWith("GMT; HttpOnly; Secure")
        .doesNotContain("SameSite");
    assertThat(StickyCookie.parse(List.of("a=1; INGRESSCOOKIE=xyz"), "INGRESSCOOKIE"))
        .isEqualTo("xyz");
  }

  @Test
  void conditionalSameSiteNoneLeavesTheAttributeOutForClientsThatMishandleIt() {
    Map<String, Boolean> agents = new java.util.LinkedHashMap<>();
    // Chromium's list of incompatible clients, as ingress-nginx matches it.
    agents.put(
        "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/51.0.2704.103 Safari/537.36",
        false);
    agents.put(
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/66.0.3359.181 Safari/537.36",
        false);
    agents.put(
        "Mozilla/5.0 (iPhone; CPU iPhone OS 12_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like"
            + " Gecko) Version/12.1.2 Mobile/15E148 Safari/604.1",
        false);
    agents.put(
        "Mozilla/5.0 (iPad; CPU OS 12_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)"
            + " Mobile/15E148",
        false);
    agents.put(
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_6) AppleWebKit/605.1.15 (KHTML, like Gecko)"
            + " Version/12.1.2 Safari/605.1.15",
        false);
    // Chrome on macOS 10.14, a current Chrome, iOS 13, Firefox, curl: None is understood.
    agents.put(
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_5) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/74.0.3729.169 Safari/537.36",
        true);
    agents.put(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/131.0.0.0 Safari/537.36",
        true);
    agents.put(
        "Mozilla/5.0 (iPhone; CPU iPhone OS 13_3_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML,"
            + " like Gecko) Version/13.0.5 Mobile/15E148 Safari/604.1",
        true);
    agents.put(
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:72.0) Gecko/20100101 Firefox/72.0", true);
    agents.put("curl/8.5.0", true);
    agents.forEach(
        (agent, none) -> {
          var sticky = forward(admit(Head.get("samesite.test", "/", "user-agent", agent))).sticky();
          assertThat(StickyCookie.header("abc", sticky, true))
              .as(agent)
              .isEqualTo(
                  "INGRESSCOOKIE=abc; Path=/; HttpOnly"
                      + (none ? "; SameSite=None" : "")
                      + "; Secure");
        });
    assertThat(forward(admit(Head.get("samesite.test", "/"))).sticky().cookie().sameSite())
        .as("no User-Agent: sent as configured")
        .isEqualTo("None");
  }

  @Test
  void requestsInFlightPerClientAreLimitedAndTheirPlacesComeBack() {
    Admission a = admit(Head.get("conc.test", "/"));
    Admission b = admit(Head.get("conc.test", "/"));
    assertThat(a.permit()).isNotNull();
    assertThat(b.permit()).isNotNull();
    assertThat(local(admit(Head.get("conc.test", "/"))).status()).isEqualTo(503);
    assertThat(admit(false, Head.get("conc.test", "/"), "192.0.2.99").verdict())
        .as("another client has its own count")
        .isInstanceOf(Verdict.Forward.class);
    a.permit().release();
    a.permit().release();
    Admission c = admit(Head.get("conc.test", "/"));
    assertThat(c.verdict()).isInstanceOf(Verdict.Forward.class);
    assertThat(local(admit(Head.get("conc.test", "/"))).status())
        .as("a double release gives back one place only")
        .isEqualTo(503);
    b.permit().release();
    c.permit().release();
    assertThat(fixture.services.concurrency().keys()).isEqualTo(1);
    assertThat(fixture.metrics.scrape()).contains("reason=\"concurrency_limit\"");
  }

  @Test
  void aTrustedProxySayingHttpsStopsTheHttpsRedirect() {
    ProxyFixture behindLb =
        new ProxyFixture(
            "proxy_address_http: 127.0.0.1:8080\nupstreams_conf: upstreams.yaml\n"
                + "trusted_proxies: [\"10.9.0.0/16\"]\n",
            "secure.test:\n  to_https: true\n  paths:\n    \"/\":\n      servers: [\"10.0.0.1:80\"]\n",
            java.util.function.UnaryOperator.identity());
    var admission = new RequestAdmission(behindLb.services, behindLb.settings(false));
    Head xfp = Head.get("secure.test", "/a", "x-forwarded-proto", "https");
    assertThat(
            admission.admit(behindLb.config(), xfp, RequestTarget.parse(xfp), "10.9.1.1").verdict())
        .as("TLS ended at the trusted load balancer")
        .isInstanceOf(Verdict.Forward.class);
    assertThat(
            local(admission.admit(behindLb.config(), xfp, RequestTarget.parse(xfp), "203.0.113.5"))
                .status())
        .as("anyone else's X-Forwarded-Proto is not believed")
        .isEqualTo(301);
  }

  @Test
  void theBasicChallengeNamesTheRoutesRealm() {
    assertThat(local(admit(Head.get("realm.test", "/"))).headers())
        .containsEntry("www-authenticate", "Basic realm=\"Shop staff\"");
  }

  @Test
  void aHashKeyKeepsItsBackendAndSpreadsKeys() {
    java.util.Map<String, Integer> first = new java.util.HashMap<>();
    java.util.Set<Integer> used = new java.util.HashSet<>();
    for (int u = 0; u < 200; u++) {
      String user = "user-" + u;
      int a = forward(admit(Head.get("hash.test", "/x?v=1", "x-user", user))).index();
      int b = forward(admit(Head.get("hash.test", "/y?v=1", "x-user", user))).index();
      assertThat(b).as("same key, same backend").isEqualTo(a);
      first.put(user, a);
      used.add(a);
    }
    assertThat(used).as("keys spread over every backend").hasSize(4);
    // Another query value is another key.
    long moved =
        first.entrySet().stream()
            .filter(
                e ->
                    forward(admit(Head.get("hash.test", "/x?v=2", "x-user", e.getKey()))).index()
                        != e.getValue())
            .count();
    assertThat(moved).isGreaterThan(50);
  }

  @Test
  void aHashSubsetSpreadsOneKeyOverItsOwnSmallGroup() {
    java.util.Set<Integer> groups = new java.util.HashSet<>();
    for (int u = 0; u < 40; u++) {
      java.util.Set<Integer> seen = new java.util.TreeSet<>();
      for (int i = 0; i < 60; i++) {
        seen.add(forward(admit(Head.get("subset.test", "/", "x-user", "user-" + u))).index());
      }
      assertThat(seen).as("user-" + u + ": both of its group, nothing else").hasSize(2);
      groups.add(seen.hashCode());
    }
    assertThat(groups).as("keys pick different groups").hasSizeGreaterThan(3);
  }

  @Test
  void satisfyAnyLetsEitherTheSourceListOrTheAuthDecide() {
    assertThat(admit(false, Head.get("any.test", "/"), "10.1.2.3").verdict())
        .as("inside the list, no key")
        .isInstanceOf(Verdict.Forward.class);
    assertThat(admit(false, Head.get("any.test", "/", "x-api-key", "k"), "203.0.113.9").verdict())
        .as("outside the list, with the key")
        .isInstanceOf(Verdict.Forward.class);
    assertThat(local(admit(false, Head.get("any.test", "/"), "203.0.113.9")).status())
        .as("neither")
        .isEqualTo(401);
  }

  @Test
  @org.junit.jupiter.api.Timeout(30)
  void aRegexPathCannotBacktrack() {
    // With a backtracking engine this path takes exponential time against "/(a+)+$"; RE2 is linear.
    ProxyConfig.Route route =
        new ProxyConfig.Route(
            "redos.test",
            "/(a+)+$",
            List.of(),
            false,
            false,
            null,
            null,
            null,
            List.of(),
            List.of(),
            ProxyConfig.AuthPolicy.NONE,
            null,
            new io.aralez.dataplane.config.Match(
                false, null, List.of(), List.of(), "/(a+)+$", List.of()),
            null,
            301,
            null,
            io.aralez.dataplane.config.UpstreamOptions.DEFAULT);
    var router =
        io.aralez.dataplane.routing.Router.compile(
            new ProxyConfig(
                "t",
                "1",
                ProxyConfig.StickySessions.OFF,
                List.of(new ProxyConfig.VirtualHost("redos.test", List.of(route)))),
            a -> null,
            new byte[16]);
    String path = "/" + "a".repeat(20_000) + "b";
    assertThat(router.route("redos.test", path)).isNull();
    assertThat(router.route("redos.test", "/aaaa")).isNotNull();
    assertThat(io.aralez.common.values.PathRegexes.problem("/(a)\\1")).contains("RE2");
    assertThat(io.aralez.common.values.PathRegexes.problem("/(?=a)b")).contains("RE2");
  }
}
