package io.aralez.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * ingress-nginx compatibility as users meet it: {@code bin/aralez-controller --nginx-compat}
 * against the mock API server, a real {@code bin/aralez} data plane, Ingresses of the {@code nginx}
 * class with ingress-nginx annotations, and what the client and the backend each see.
 */
class NginxCompatIT extends NginxHarness {
  @Test
  void rewriteTargetReplacesThePathWithTheCaptureAndKeepsTheQuery() throws Exception {
    ingress(
        "rewrite",
        "rewrite.test",
        "/something(/|$)(.*)",
        "ImplementationSpecific",
        Map.of(
            N + "rewrite-target", "/$2",
            N + "x-forwarded-prefix", "/something"));
    served("rewrite.test", "/something");
    Response r = get("rewrite.test", "/something/new/path?a=1&b=2");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.seen("target")).isEqualTo("/new/path?a=1&b=2");
    assertThat(r.seen("x-forwarded-prefix")).isEqualTo("/something");
    assertThat(get("rewrite.test", "/SOMETHING").seen("target"))
        .as("case-insensitive, the whole URI replaced")
        .isEqualTo("/");
    assertThat(get("rewrite.test", "/somethingelse").status()).isEqualTo(404);
  }

  @Test
  void theConfigMapsBodyLimitAppliesAndAnAnnotationOverridesIt() throws Exception {
    ingress("body", "body.test", "/", "Prefix", Map.of());
    ingress("big", "big.test", "/", "Prefix", Map.of(N + "proxy-body-size", "8k"));
    served("body.test", "/");
    served("big.test", "/");
    String fourK = "x".repeat(4096);
    String over = "x".repeat(5000);
    assertThat(post("body.test", fourK, false).status()).as("exactly at the limit").isEqualTo(200);
    assertThat(post("body.test", over, false).status()).isEqualTo(413);
    int before = backendHits.get();
    assertThat(post("body.test", over, true).status())
        .as("chunked, counted while read")
        .isEqualTo(413);
    assertThat(post("big.test", over, true).status()).isEqualTo(200);
    assertThat(post("big.test", over, false).seen("body")).isEqualTo("5000");
    assertThat(backendHits.get() - before)
        .as("the oversized bodies never reached the backend whole")
        .isEqualTo(2);
    // The ConfigMap is watched: a new default reaches the data plane.
    configMap(
        Map.of(
            "proxy-body-size", "16k",
            "use-geoip", "true",
            "global-allowed-response-headers", "X-Custom-One"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> post("body.test", over, false).status() == 200);
    configMap(NGINX_CONFIG);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> post("body.test", over, false).status() == 413);
  }

  @Test
  void sourceListsAnswer403AndTheDenyListWins() throws Exception {
    ingress(
        "allowed",
        "allowed.test",
        "/",
        "Prefix",
        Map.of(N + "whitelist-source-range", "127.0.0.0/8"));
    ingress(
        "outside",
        "outside.test",
        "/",
        "Prefix",
        Map.of(N + "whitelist-source-range", "10.0.0.0/8"));
    ingress(
        "denied",
        "denied.test",
        "/",
        "Prefix",
        Map.of(
            N + "allowlist-source-range", "127.0.0.0/8",
            N + "denylist-source-range", "127.0.0.1"));
    served("allowed.test", "/");
    served("outside.test", "/");
    served("denied.test", "/");
    assertThat(get("allowed.test", "/").status()).isEqualTo(200);
    assertThat(get("outside.test", "/").status()).isEqualTo(403);
    assertThat(get("denied.test", "/").status()).isEqualTo(403);
  }

  @Test
  void corsPreflightIsAnsweredByTheProxyAndOtherOriginsGetNoHeaders() throws Exception {
    ingress(
        "cors",
        "cors.test",
        "/",
        "Prefix",
        Map.of(
            N + "enable-cors", "true",
            N + "cors-allow-origin", "https://app.example.com, https://*.dev.example.com"));
    served("cors.test", "/");
    int before = backendHits.get();
    Response pre =
        send(
            "OPTIONS /api HTTP/1.1\r\nHost: cors.test\r\nOrigin: https://app.example.com\r\n"
                + "Access-Control-Request-Method: PUT\r\nConnection: close\r\n\r\n",
            proxyPort);
    assertThat(pre.status()).as(pre.toString()).isEqualTo(204);
    assertThat(backendHits.get()).as("the backend never sees a preflight").isEqualTo(before);
    assertThat(pre.headers())
        .as(pre.toString())
        .containsEntry("access-control-allow-origin", "https://app.example.com")
        .containsEntry("access-control-allow-credentials", "true")
        .containsEntry("access-control-allow-methods", "GET, PUT, POST, DELETE, PATCH, OPTIONS")
        .containsEntry("access-control-max-age", "1728000")
        .containsEntry("content-type", "text/plain charset=UTF-8");
    // RFC 9110 forbids Content-Length on a 204; ingress-nginx sends "0" (README: differences).
    assertThat(pre.body()).isEmpty();
    Response ok = get("cors.test", "/x", "Origin", "https://a.dev.example.com");
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.headers())
        .containsEntry("access-control-allow-origin", "https://a.dev.example.com");
    Response other = get("cors.test", "/x", "Origin", "https://evil.example.org");
    assertThat(other.status()).isEqualTo(200);
    assertThat(other.headers().keySet()).noneMatch(h -> h.startsWith("access-control-"));
  }

  @Test
  void redirectsAndAppRoot() throws Exception {
    ingress(
        "moved",
        "moved.test",
        "/",
        "Prefix",
        Map.of(N + "permanent-redirect", "https://new.example.com/landing"));
    ingress("root", "root.test", "/", "Prefix", Map.of(N + "app-root", "/app1"));
    ingress("secure", "secure.test", "/", "Prefix", Map.of(N + "force-ssl-redirect", "true"));
    ingress("bare", "bare.test", "/", "Prefix", Map.of(N + "from-to-www-redirect", "true"));
    ingress("pathmoved", "pathmoved.test", "/", "Prefix", Map.of(N + "permanent-redirect", "/to"));
    ingress(
        "relmoved",
        "relmoved.test",
        "/",
        "Prefix",
        Map.of(N + "permanent-redirect", "/to", N + "relative-redirects", "true"));
    served("moved.test", "/");
    served("root.test", "/x");
    served("secure.test", "/");
    Response moved = get("moved.test", "/a/b?c=d");
    assertThat(moved.status()).isEqualTo(301);
    assertThat(moved.headers()).containsEntry("location", "https://new.example.com/landing");
    served("pathmoved.test", "/");
    assertThat(get("pathmoved.test", "/x").headers())
        .as("nginx makes a path absolute")
        .containsEntry("location", "http://pathmoved.test/to");
    served("relmoved.test", "/");
    assertThat(get("relmoved.test", "/x").headers()).containsEntry("location", "/to");
    Response root = get("root.test", "/?q=1");
    assertThat(root.status()).isEqualTo(302);
    assertThat(root.headers()).containsEntry("location", "http://root.test/app1");
    assertThat(get("root.test", "/other").seen("target")).isEqualTo("/other");
    Response secure = get("secure.test", "/");
    assertThat(secure.status()).isEqualTo(308);
    assertThat(secure.headers().get("location"))
        .isIn("https://secure.test", "https://secure.test:443");
    Response deep = get("secure.test", "/a/?x=1");
    assertThat(deep.headers().get("location")).endsWith("/a/?x=1");
    served("www.bare.test", "/");
    Response www = get("www.bare.test", "/foo?x=1");
    assertThat(www.status()).isEqualTo(308);
    assertThat(www.headers()).containsEntry("location", "http://bare.test:80/foo?x=1");
    assertThat(get("www.bare.test", "/foo/").headers())
        .as("ingress-nginx's e2e: the port is explicit and one trailing slash goes")
        .containsEntry("location", "http://bare.test:80/foo");
    Response slash = get("secure.test", "/a/");
    assertThat(slash.headers().get("location"))
        .as("trailing slash stripped")
        .endsWith("secure.test/a");
  }

  /**
   * proxy-send-timeout: a backend that takes none of an upload is given up on with 504 after it,
   * long before the read timeout (120 s here) would end the wait.
   */
  @Test
  void aBackendThatStopsTakingTheRequestTimesOutAfterTheSendTimeout() throws Exception {
    try (java.net.ServerSocket deaf = new java.net.ServerSocket()) {
      // Small buffers, so that a few MiB fill the path; the backend then never reads.
      deaf.setReceiveBufferSize(4096);
      deaf.bind(new InetSocketAddress("127.0.0.1", 0));
      List<Socket> accepted = java.util.Collections.synchronizedList(new ArrayList<>());
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    accepted.add(deaf.accept());
                  }
                } catch (IOException closed) {
                  // the test is over
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      k8s.resource(Fixtures.service(NS, "deaf")).createOr(c -> c.update());
      k8s.resource(Fixtures.localSlice(NS, "deaf", "deaf-0", deaf.getLocalPort()))
          .createOr(c -> c.update());
      ingress(
          "deaf",
          "deaf.test",
          "/",
          "Prefix",
          "deaf",
          Map.of(
              N + "proxy-send-timeout", "2",
              N + "proxy-read-timeout", "120",
              N + "proxy-body-size", "0"));
      routed("deaf.test");
      long size = 256L << 20;
      try (Socket s = new Socket("127.0.0.1", proxyPort)) {
        s.setSoTimeout(60_000);
        Thread uploader =
            new Thread(
                () -> {
                  try {
                    OutputStream out = s.getOutputStream();
                    out.write(
                        ("POST /upload HTTP/1.1\r\nHost: deaf.test\r\nContent-Length: "
                                + size
                                + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    byte[] chunk = new byte[64 * 1024];
                    for (long sent = 0; sent < size; sent += chunk.length) {
                      out.write(chunk);
                    }
                  } catch (IOException cutOff) {
                    // expected: the proxy gives up on the request
                  }
                });
        uploader.setDaemon(true);
        long start = System.nanoTime();
        uploader.start();
        String head = new String(s.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1);
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertThat(head).isEqualTo("HTTP/1.1 504");
        assertThat(seconds).as("the send timeout, not the read timeout").isLessThan(60);
      } finally {
        for (Socket a : accepted) {
          a.close();
        }
      }
    }
  }

  @Test
  void upstreamVhostAndRateLimitsAnswering503() throws Exception {
    ingress("vhost", "vhost.test", "/", "Prefix", Map.of(N + "upstream-vhost", "internal.example"));
    ingress("limited", "limited.test", "/", "Prefix", Map.of(N + "limit-rps", "1"));
    served("vhost.test", "/");
    served("limited.test", "/");
    assertThat(get("vhost.test", "/").seen("host")).isEqualTo("internal.example");
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      statuses.add(get("limited.test", "/").status());
    }
    assertThat(statuses).contains(503).doesNotContain(429);
  }

  /**
   * Basic auth from an auth-file Secret (htpasswd lines in key auth) and from an auth-map Secret (a
   * key per user): 401 with the realm, 200 with the password (the backend still sees
   * Authorization), 503 while the Secret is missing.
   */
  @Test
  void basicAuthFromAnAuthFileOrAnAuthMapSecret() throws Exception {
    String sha = shaHash("s3cret");
    secret("htpasswd", Map.of("auth", "ann:" + sha + "\n"));
    secret("usermap", Map.of("bob", sha));
    ingress(
        "authfile",
        "authfile.test",
        "/",
        "Prefix",
        Map.of(
            N + "auth-type", "basic",
            N + "auth-secret", "htpasswd",
            N + "auth-realm", "Staff only"));
    ingress(
        "authmap",
        "authmap.test",
        "/",
        "Prefix",
        Map.of(
            N + "auth-type", "basic",
            N + "auth-secret", "usermap",
            N + "auth-secret-type", "auth-map"));
    ingress(
        "authnone",
        "authnone.test",
        "/",
        "Prefix",
        Map.of(N + "auth-type", "basic", N + "auth-secret", "missing"));
    // A Secret is read once an Ingress names it: 503 until then.
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> get("authfile.test", "/").status() == 401);
    Response denied = get("authfile.test", "/");
    assertThat(denied.status()).isEqualTo(401);
    assertThat(denied.headers()).containsEntry("www-authenticate", "Basic realm=\"Staff only\"");
    String ann = basic("ann", "s3cret");
    Response in = get("authfile.test", "/", "Authorization", ann);
    assertThat(in.status()).isEqualTo(200);
    assertThat(in.seen("authorization")).isEqualTo(ann);
    String bob = basic("bob", "s3cret");
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> get("authmap.test", "/", "Authorization", bob).status() == 200);
    assertThat(get("authmap.test", "/", "Authorization", ann).status()).isEqualTo(401);
    served("authnone.test", "/");
    assertThat(get("authnone.test", "/", "Authorization", ann).status())
        .as("a missing Secret denies the location")
        .isEqualTo(503);
  }

  /**
   * nginx's limit_req: limit-rpm 2 with limit-burst-multiplier 2 is a burst of 4, so five requests
   * pass at once (the readiness probe was the first) and the rest get 503 until the bucket drains
   * one request per 30 s.
   */
  @Test
  void limitRpmLetsTheBurstPlusOneThroughThenAnswers503() throws Exception {
    ingress(
        "rpm",
        "rpm.test",
        "/",
        "Prefix",
        Map.of(N + "limit-rpm", "2", N + "limit-burst-multiplier", "2"));
    served("rpm.test", "/");
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      statuses.add(get("rpm.test", "/").status());
    }
    assertThat(statuses).containsExactly(200, 200, 200, 200, 503, 503, 503, 503);
  }

  @Test
  void snippetsRefuseTheIngressAndUnknownKeysAreReportedWithEvents() throws Exception {
    ingress(
        "snippet",
        "snippet.test",
        "/",
        "Prefix",
        Map.of(N + "configuration-snippet", "more_set_headers \"X-Evil: 1\";"));
    ingress("typo", "typo.test", "/", "Prefix", Map.of(N + "proxy-body-sise", "1m"));
    served("typo.test", "/");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !events("snippet", "NginxAnnotationRefused").isEmpty());
    assertThat(events("snippet", "NginxAnnotationRefused").get(0).getMessage())
        .contains(N + "configuration-snippet");
    assertThat(events("snippet", "NginxAnnotationRefused").get(0).getType()).isEqualTo("Warning");
    assertThat(get("snippet.test", "/").status()).isEqualTo(404);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !events("typo", "NginxAnnotationUnknown").isEmpty());
    assertThat(events("typo", "NginxAnnotationUnknown").get(0).getMessage())
        .contains(N + "proxy-body-sise");
    assertThat(get("typo.test", "/").status()).isEqualTo(200);
    String metrics =
        send("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", controllerHttp)
            .body();
    assertThat(metrics)
        .containsPattern("aralez_controller_nginx_annotations\\{outcome=\"refused\",?} [1-9]")
        .containsPattern("aralez_controller_nginx_annotations\\{outcome=\"unknown\",?} [1-9]");
  }

  @Test
  void externalAuthLetsOnly2xxThroughAndSendsTheRestToSignInOr500() throws Exception {
    String url = "http://127.0.0.1:" + auth.getAddress().getPort() + "/check";
    ingress(
        "authed",
        "authed.test",
        "/",
        "Prefix",
        Map.of(
            N + "auth-url", url,
            N + "auth-response-headers", "X-User",
            N + "auth-signin", "http://$host/auth/start"));
    ingress("plain-auth", "plainauth.test", "/", "Prefix", Map.of(N + "auth-url", url));
    Response first = null;
    for (int i = 0; i < 100 && (first == null || first.status() == 404); i++) {
      Thread.sleep(100);
      first = get("authed.test", "/");
    }
    assertThat(first.status()).as(first.toString()).isEqualTo(302);
    Response ok = get("authed.test", "/x", "X-Want", "200", "X-User", "mallory");
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.seen("x-user")).as("the auth answer replaces the client's").isEqualTo("alice");
    assertThat(ok.seen("x-other")).as("only the listed headers").isNull();
    assertThat(ok.headers())
        .as("the auth cookie reaches the client")
        .containsEntry("set-cookie", "sso=abc; Path=/");
    assertThat(get("authed.test", "/status/404", "X-Want", "200").headers())
        .as("as nginx's add_header: not on a 404")
        .doesNotContainKey("set-cookie");
    Response signin = get("authed.test", "/?a=b&c=d");
    assertThat(signin.status()).isEqualTo(302);
    assertThat(signin.headers())
        .containsEntry(
            "location", "http://authed.test/auth/start?rd=http://authed.test%2F%3Fa%3Db%26c%3Dd");
    assertThat(get("authed.test", "/", "X-Want", "403").status()).isEqualTo(403);
    assertThat(get("authed.test", "/", "X-Want", "302").status())
        .as("a redirect is no answer")
        .isEqualTo(500);
    assertThat(get("authed.test", "/", "X-Want", "503").status()).isEqualTo(500);
    assertThat(get("authed.test", "/", "X-Want", "200", "X-Hang", "hang").status())
        .as("no answer within forward_auth_timeout (5 s)")
        .isEqualTo(500);
    served("plainauth.test", "/");
    Response refused = get("plainauth.test", "/");
    assertThat(refused.status()).as("401 without auth-signin").isEqualTo(401);
    assertThat(refused.headers()).doesNotContainKey("set-cookie");
    ingress(
        "always-cookie",
        "alwayscookie.test",
        "/",
        "Prefix",
        Map.of(N + "auth-url", url, N + "auth-always-set-cookie", "true"));
    served("alwayscookie.test", "/");
    Response always = get("alwayscookie.test", "/");
    assertThat(always.status()).isEqualTo(401);
    assertThat(always.headers()).containsEntry("set-cookie", "sso=abc; Path=/");
    ingress(
        "post-auth",
        "postauth.test",
        "/",
        "Prefix",
        Map.of(
            N + "auth-url", url,
            N + "auth-method", "POST",
            N + "auth-request-redirect", "/after-login"));
    served("postauth.test", "/");
    assertThat(get("postauth.test", "/").status()).as("auth-method POST").isEqualTo(200);
  }

  @Test
  void aCanaryTakesItsShareByHeaderThenCookieThenWeight() throws Exception {
    ingress("shop", "shop.test", "/", "Prefix", Map.of());
    ingress(
        "shop-canary",
        "shop.test",
        "/",
        "Prefix",
        "web-canary",
        Map.of(
            N + "canary", "true",
            N + "canary-by-header", "X-Canary",
            N + "canary-by-cookie", "beta",
            N + "canary-weight", "0"));
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () ->
                "canary"
                    .equals(
                        get("shop.test", "/", "X-Canary", "always").headers().get("x-backend")));
    assertThat(get("shop.test", "/").headers()).containsEntry("x-backend", "main");
    assertThat(get("shop.test", "/", "X-Canary", "never", "Cookie", "beta=always").headers())
        .as("the header decides first")
        .containsEntry("x-backend", "main");
    assertThat(get("shop.test", "/", "X-Canary", "maybe", "Cookie", "a=1; beta=always").headers())
        .as("any other header value: the cookie decides")
        .containsEntry("x-backend", "canary");
    assertThat(get("shop.test", "/", "Cookie", "beta=never").headers())
        .containsEntry("x-backend", "main");
    // All the weight: every request without a deciding header or cookie goes to the canary.
    ingress(
        "shop-canary",
        "shop.test",
        "/",
        "Prefix",
        "web-canary",
        Map.of(
            N + "canary", "true",
            N + "canary-by-header", "X-Canary",
            N + "canary-weight", "100"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "canary".equals(get("shop.test", "/").headers().get("x-backend")));
    assertThat(get("shop.test", "/", "X-Canary", "never").headers())
        .containsEntry("x-backend", "main");
  }

  /**
   * affinity-canary-behavior: sticky (ingress-nginx's default). With the main Ingress's affinity, a
   * session stays on the main or canary endpoint it first landed on, whatever the weight says.
   */
  @Test
  void aStickySessionStaysOnTheMainOrCanaryEndpointItLandedOn() throws Exception {
    ingress("sticky-main", "sticky-canary.test", "/", "Prefix", Map.of(N + "affinity", "cookie"));
    ingress(
        "sticky-canary",
        "sticky-canary.test",
        "/",
        "Prefix",
        "web-canary",
        Map.of(N + "canary", "true", N + "canary-weight", "50"));
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> get("sticky-canary.test", "/").headers().containsKey("set-cookie"));
    java.util.Set<String> landed = new java.util.HashSet<>();
    for (int session = 0; session < 12; session++) {
      Response first = get("sticky-canary.test", "/");
      String cookie = first.headers().get("set-cookie").split(";", 2)[0];
      String backend = first.headers().get("x-backend");
      landed.add(backend);
      for (int i = 0; i < 5; i++) {
        Response again = get("sticky-canary.test", "/", "Cookie", cookie);
        assertThat(again.headers()).containsEntry("x-backend", backend);
        assertThat(again.headers())
            .as("a pinned session gets no new cookie")
            .doesNotContainKey("set-cookie");
      }
    }
    // Twelve sessions at 50%: both sides were landed on (1 in 2048 chance to miss one).
    assertThat(landed).containsExactlyInAnyOrder("main", "canary");
  }

  /**
   * affinity-canary-behavior: legacy on the canary: its answers set no cookie, so such a session is
   * drawn again each time; once the main backend answers, its cookie pins the session there.
   */
  @Test
  void withLegacyCanaryAffinityOnlyTheMainBackendPinsASession() throws Exception {
    ingress("legacy-main", "legacy-canary.test", "/", "Prefix", Map.of(N + "affinity", "cookie"));
    ingress(
        "legacy-canary",
        "legacy-canary.test",
        "/",
        "Prefix",
        "web-canary",
        Map.of(
            N + "canary", "true",
            N + "canary-weight", "50",
            N + "affinity-canary-behavior", "legacy"));
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> "canary".equals(get("legacy-canary.test", "/").headers().get("x-backend")));
    int canary = 0;
    String mainCookie = null;
    for (int i = 0; i < 40; i++) {
      Response r = get("legacy-canary.test", "/");
      if ("canary".equals(r.headers().get("x-backend"))) {
        canary++;
        assertThat(r.headers()).as("the canary sets no cookie").doesNotContainKey("set-cookie");
      } else {
        assertThat(r.headers().get("set-cookie")).startsWith("INGRESSCOOKIE=");
        mainCookie = r.headers().get("set-cookie").split(";", 2)[0];
      }
    }
    // Forty draws at 50%: both sides answered (about 2 in 10^12 to miss one).
    assertThat(canary).isBetween(1, 39);
    for (int i = 0; i < 10; i++) {
      assertThat(get("legacy-canary.test", "/", "Cookie", mainCookie).headers())
          .as("the main backend's cookie pins the session")
          .containsEntry("x-backend", "main");
    }
  }

  /**
   * canary-by-header-pattern: an RE2 regex found in the header's value; "always" is not special.
   */
  @Test
  void aCanaryByHeaderPatternMatchesTheRegexAnywhereInTheValue() throws Exception {
    ingress("beta", "beta.test", "/", "Prefix", Map.of());
    ingress(
        "beta-canary",
        "beta.test",
        "/",
        "Prefix",
        "web-canary",
        Map.of(
            N + "canary", "true",
            N + "canary-by-header", "X-Region",
            N + "canary-by-header-pattern", "^eu-(west|north)-[0-9]+$"));
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () ->
                "canary"
                    .equals(
                        get("beta.test", "/", "X-Region", "eu-west-1").headers().get("x-backend")));
    assertThat(get("beta.test", "/", "X-Region", "eu-north-12").headers())
        .containsEntry("x-backend", "canary");
    assertThat(get("beta.test", "/", "X-Region", "us-east-1").headers())
        .containsEntry("x-backend", "main");
    assertThat(get("beta.test", "/", "X-Region", "always").headers())
        .as("with a pattern, always is just a value")
        .containsEntry("x-backend", "main");
    assertThat(get("beta.test", "/").headers()).containsEntry("x-backend", "main");
  }

  @Test
  void affinitySetsIngressNginxsCookieAndItPinsTheBackend() throws Exception {
    ingress("sticky", "sticky.test", "/app", "Prefix", Map.of(N + "affinity", "cookie"));
    served("sticky.test", "/app");
    Response first = get("sticky.test", "/app/x");
    String cookie = first.headers().get("set-cookie");
    assertThat(cookie).matches("INGRESSCOOKIE=[^;]+; Path=/app; HttpOnly");
    Response again =
        get("sticky.test", "/app/x", "Cookie", cookie.substring(0, cookie.indexOf(';')));
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.headers())
        .as("a valid cookie is not set again")
        .doesNotContainKey("set-cookie");
  }

  @Test
  void conditionalSameSiteNoneSkipsTheAttributeForOldBrowsersOnly() throws Exception {
    ingress(
        "samesite",
        "samesite.test",
        "/",
        "Prefix",
        Map.of(
            N + "affinity", "cookie",
            N + "session-cookie-samesite", "None",
            N + "session-cookie-conditional-samesite-none", "true"));
    served("samesite.test", "/");
    String chrome51 =
        "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/51.0.2704.103 Safari/537.36";
    String chrome131 =
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/131.0.0.0 Safari/537.36";
    assertThat(get("samesite.test", "/", "User-Agent", chrome51).headers().get("set-cookie"))
        .matches("INGRESSCOOKIE=[^;]+; Path=/; HttpOnly");
    assertThat(get("samesite.test", "/", "User-Agent", chrome131).headers().get("set-cookie"))
        .matches("INGRESSCOOKIE=[^;]+; Path=/; HttpOnly; SameSite=None");
  }

  @Test
  void limitConnectionsLetsExactlyNRequestsInFlightPerClient() throws Exception {
    ingress("conc", "conc.test", "/", "Prefix", Map.of(N + "limit-connections", "2"));
    served("conc.test", "/");
    var pool = Executors.newFixedThreadPool(5);
    try {
      List<java.util.concurrent.Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        results.add(pool.submit(() -> get("conc.test", "/slow").status()));
      }
      List<Integer> statuses = new ArrayList<>();
      for (var f : results) {
        statuses.add(f.get());
      }
      assertThat(statuses).containsOnly(200, 503);
      assertThat(statuses.stream().filter(x -> x == 200).count()).isEqualTo(2);
    } finally {
      pool.shutdownNow();
    }
    // Every place came back, also from a client that hung up mid-request.
    try (Socket gone = new Socket("127.0.0.1", proxyPort)) {
      gone.getOutputStream()
          .write(
              "GET /slow HTTP/1.1\r\nHost: conc.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      Thread.sleep(200);
    }
    Thread.sleep(2000);
    var again = Executors.newFixedThreadPool(2);
    try {
      var x = again.submit(() -> get("conc.test", "/slow").status());
      var y = again.submit(() -> get("conc.test", "/slow").status());
      assertThat(List.of(x.get(), y.get())).as("both places free again").containsExactly(200, 200);
    } finally {
      again.shutdownNow();
    }
  }

  @Test
  void theDefaultBackendAnswersWhileTheServiceIsMissingOrEmpty() throws Exception {
    ingress(
        "fallback",
        "fallback.test",
        "/",
        "Prefix",
        "nowhere",
        Map.of(N + "default-backend", "web-canary"));
    served("fallback.test", "/");
    Response r = get("fallback.test", "/x");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers()).containsEntry("x-backend", "canary");
    assertThat(r.seen("x-code")).isEqualTo("503");
    assertThat(r.seen("x-service-name")).isEqualTo("nowhere");
    // The Service appears with no endpoint: still the fallback; with one: the Service itself.
    k8s.resource(Fixtures.service(NS, "nowhere")).createOr(c -> c.update());
    Thread.sleep(1000);
    assertThat(get("fallback.test", "/x").headers()).containsEntry("x-backend", "canary");
    k8s.resource(Fixtures.localSlice(NS, "nowhere", "nowhere-0", backend.getAddress().getPort()))
        .createOr(c -> c.update());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "main".equals(get("fallback.test", "/x").headers().get("x-backend")));
    assertThat(get("fallback.test", "/x").seen("x-code")).isNull();
  }

  @Test
  void customHttpErrorsAreAnsweredByTheDefaultBackend() throws Exception {
    ingress(
        "errors",
        "errors.test",
        "/",
        "Prefix",
        Map.of(N + "custom-http-errors", "404, 503", N + "default-backend", "web-canary"));
    served("errors.test", "/");
    Response r =
        get(
            "errors.test",
            "/status/404/page?x=1",
            "Accept",
            "application/json",
            "X-Request-ID",
            "req-42");
    assertThat(r.status()).as("the error backend's status").isEqualTo(200);
    assertThat(r.headers()).containsEntry("x-backend", "canary");
    assertThat(r.seen("target")).isEqualTo("/?x=1");
    assertThat(r.seen("x-code")).isEqualTo("404");
    assertThat(r.seen("x-format")).isEqualTo("application/json");
    assertThat(r.seen("x-original-uri")).isEqualTo("/status/404/page?x=1");
    assertThat(r.seen("x-request-id")).isEqualTo("req-42");
    assertThat(r.seen("x-namespace")).isEqualTo(NS);
    assertThat(r.seen("x-ingress-name")).isEqualTo("errors");
    assertThat(r.seen("x-service-name")).isEqualTo("web");
    assertThat(r.seen("x-service-port")).isEqualTo("http");
    // A status not listed, and success, come from the Service itself.
    Response other = get("errors.test", "/status/500");
    assertThat(other.status()).isEqualTo(500);
    assertThat(other.headers()).containsEntry("x-backend", "main");
    assertThat(get("errors.test", "/fine").headers()).containsEntry("x-backend", "main");
    // Without a default-backend there is nothing to answer with: the upstream's answer stays, and
    // the Ingress says why.
    ingress(
        "errors-alone",
        "errors-alone.test",
        "/",
        "Prefix",
        Map.of(N + "custom-http-errors", "404"));
    served("errors-alone.test", "/");
    Response alone = get("errors-alone.test", "/status/404");
    assertThat(alone.status()).isEqualTo(404);
    assertThat(alone.headers()).containsEntry("x-backend", "main");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                events("errors-alone", "NginxAnnotationIgnored").stream()
                    .anyMatch(e -> e.getMessage().contains(N + "custom-http-errors")));
  }

  @Test
  void proxySslPresentsTheClientCertificateAndVerifiesTheBackend() throws Exception {
    try (TlsBackend tls = new TlsBackend(Files.createTempDirectory(dir, "upstream-tls"))) {
      k8s.resource(
              new io.fabric8.kubernetes.api.model.SecretBuilder()
                  .withNewMetadata()
                  .withNamespace(NS)
                  .withName("backend-tls")
                  .endMetadata()
                  .withStringData(
                      Map.of(
                          "ca.crt", TlsBackend.read(tls.serverCrt),
                          "tls.crt", TlsBackend.read(tls.clientCrt),
                          "tls.key", TlsBackend.read(tls.clientKey)))
                  .build())
          .createOr(c -> c.update());
      k8s.resource(Fixtures.service(NS, "secure")).createOr(c -> c.update());
      k8s.resource(Fixtures.localSlice(NS, "secure", "secure-0", tls.port()))
          .createOr(c -> c.update());
      Map<String, String> base =
          Map.of(
              N + "backend-protocol", "HTTPS",
              N + "proxy-ssl-secret", NS + "/backend-tls",
              N + "proxy-ssl-verify", "on");
      ingress(
          "mtls",
          "mtls.test",
          "/",
          "Prefix",
          "secure",
          with(base, "proxy-ssl-name", "backend.internal"));
      // The Secret is read once the Ingress names it (only referenced Secrets are watched).
      await().atMost(Duration.ofSeconds(30)).until(() -> get("mtls.test", "/").status() == 200);
      Response ok = get("mtls.test", "/");
      assertThat(ok.body()).contains("client=CN=aralez-client");
      // proxy-ssl-protocols and -ciphers: what the backend negotiated.
      ingress(
          "tls12",
          "tls12.test",
          "/",
          "Prefix",
          "secure",
          with(
              with(
                  with(base, "proxy-ssl-name", "backend.internal"),
                  "proxy-ssl-protocols",
                  "TLSv1.2"),
              "proxy-ssl-ciphers",
              "ECDHE-RSA-CHACHA20-POLY1305"));
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(() -> get("tls12.test", "/").status() == 200);
      Response tls12 = get("tls12.test", "/");
      assertThat(tls12.seen("protocol")).isEqualTo("TLSv1.2");
      assertThat(tls12.seen("cipher")).isEqualTo("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
      assertThat(ok.seen("protocol")).as("by default TLS 1.3").isEqualTo("TLSv1.3");
      // The backend's certificate is not for this name: never sent anything, 502.
      ingress(
          "mtls-wrong-name",
          "mtls-wrong.test",
          "/",
          "Prefix",
          "secure",
          with(base, "proxy-ssl-name", "other.internal"));
      served("mtls-wrong.test", "/");
      assertThat(get("mtls-wrong.test", "/").status()).isEqualTo(502);
      // Without the Secret's client certificate the backend refuses the handshake: 502.
      ingress(
          "tls-no-client-cert",
          "tls-plain.test",
          "/",
          "Prefix",
          "secure",
          Map.of(N + "backend-protocol", "HTTPS"));
      served("tls-plain.test", "/");
      assertThat(get("tls-plain.test", "/").status()).isEqualTo(502);
      // A Secret that does not exist denies the paths, as ingress-nginx does.
      ingress(
          "mtls-missing",
          "mtls-missing.test",
          "/",
          "Prefix",
          "secure",
          Map.of(N + "backend-protocol", "HTTPS", N + "proxy-ssl-secret", "nowhere"));
      served("mtls-missing.test", "/");
      assertThat(get("mtls-missing.test", "/").status()).isEqualTo(503);
      // proxy-ssl-server-name: the name goes out as SNI only when asked for (nothing verified).
      Map<String, String> unverified =
          Map.of(
              N + "backend-protocol", "HTTPS",
              N + "proxy-ssl-secret", NS + "/backend-tls",
              N + "proxy-ssl-name", "sni.internal");
      ingress(
          "sni-on",
          "sni-on.test",
          "/",
          "Prefix",
          "secure",
          with(unverified, "proxy-ssl-server-name", "on"));
      ingress("sni-off", "sni-off.test", "/", "Prefix", "secure", unverified);
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(() -> "sni.internal".equals(get("sni-on.test", "/").seen("sni")));
      served("sni-off.test", "/");
      assertThat(get("sni-off.test", "/").seen("sni")).isEqualTo("none");
    }
  }

  /**
   * proxy-ssl-verify-depth: a backend whose certificate hangs under two intermediate CAs needs a
   * depth of 2 (OpenSSL counts the intermediates); the default 1 refuses it (502).
   */
  @Test
  void proxySslVerifyDepthCountsTheBackendsIntermediates() throws Exception {
    MutualTls pki = new MutualTls(Files.createTempDirectory(dir, "deep-pki"));
    Path d = Files.createTempDirectory(dir, "deep-backend");
    Path san = d.resolve("san.ext");
    Files.writeString(san, "subjectAltName=DNS:deep.backend.internal\n");
    Path crt = d.resolve("server.crt");
    Path key = d.resolve("server.key");
    MutualTls.signed("deep.backend.internal", key, crt, pki.int2Crt, pki.int2Key, san);
    Path chain = d.resolve("chain.crt");
    Files.writeString(
        chain,
        Files.readString(crt) + Files.readString(pki.int2Crt) + Files.readString(pki.intCrt));
    try (TlsBackend tls = new TlsBackend(d, chain, key)) {
      secret(
          "deep-backend-tls",
          Map.of(
              "ca.crt", TlsBackend.read(pki.caCrt),
              "tls.crt", TlsBackend.read(tls.clientCrt),
              "tls.key", TlsBackend.read(tls.clientKey)));
      service("deep-secure", tls.port());
      Map<String, String> base =
          Map.of(
              N + "backend-protocol", "HTTPS",
              N + "proxy-ssl-secret", NS + "/deep-backend-tls",
              N + "proxy-ssl-verify", "on",
              N + "proxy-ssl-name", "deep.backend.internal");
      ingress("deep-1", "deep-1.test", "/", "Prefix", "deep-secure", base);
      ingress(
          "deep-2",
          "deep-2.test",
          "/",
          "Prefix",
          "deep-secure",
          with(base, "proxy-ssl-verify-depth", "2"));
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(() -> get("deep-2.test", "/").status() == 200);
      served("deep-1.test", "/");
      assertThat(get("deep-1.test", "/").status()).isEqualTo(502);
    }
  }

  @Test
  void sslPassthroughRelaysTheTlsConnectionToTheBackendUndecrypted() throws Exception {
    try (TlsBackend tls = new TlsBackend(Files.createTempDirectory(dir, "passthrough"))) {
      k8s.resource(Fixtures.service(NS, "passthru")).createOr(c -> c.update());
      k8s.resource(Fixtures.localSlice(NS, "passthru", "passthru-0", tls.port()))
          .createOr(c -> c.update());
      ingress(
          "passthrough",
          "passthrough.test",
          "/",
          "Prefix",
          "passthru",
          Map.of(N + "ssl-passthrough", "true"));
      // The handshake is the backend's own: its certificate, and it asks the client for one,
      // which Aralez never sees (it does not decrypt anything).
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(() -> peerName("passthrough.test", tls).contains("CN=backend.internal"));
      Response r =
          send(
              "GET /through HTTP/1.1\r\nHost: passthrough.test\r\nConnection: close\r\n\r\n",
              MutualTls.connect(tlsPort, "passthrough.test", tls.clientCrt, tls.clientKey));
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).contains("client=CN=aralez-client");
      // Other names on the same listener still end at Aralez.
      assertThat(peerNameOrFailure("other.test", tls)).doesNotContain("backend.internal");
      // A passed-through host whose Service has no endpoint: the connection is closed.
      k8s.resource(Fixtures.service(NS, "passthru-empty")).createOr(c -> c.update());
      ingress(
          "passthrough-empty",
          "passthrough-empty.test",
          "/",
          "Prefix",
          "passthru-empty",
          Map.of(N + "ssl-passthrough", "true"));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  peerNameOrFailure("passthrough-empty.test", tls).startsWith("failed")
                      && send(
                              "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                              adminPort)
                          .body()
                          .matches(
                              "(?s).*aralez_passthrough_connections_total\\{result=\"failed\"\\}"
                                  + " [1-9].*"));
      assertThat(
              send("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", adminPort)
                  .body())
          .containsPattern("aralez_passthrough_connections_total\\{result=\"relayed\"\\} [1-9]");
    }
  }

  /** The subject of the certificate a TLS client asking for {@code sni} is shown. */
  static String peerName(String sni, TlsBackend tls) throws Exception {
    try (var s =
        (javax.net.ssl.SSLSocket) MutualTls.connect(tlsPort, sni, tls.clientCrt, tls.clientKey)) {
      return ((java.security.cert.X509Certificate) s.getSession().getPeerCertificates()[0])
          .getSubjectX500Principal()
          .getName();
    }
  }

  static String peerNameOrFailure(String sni, TlsBackend tls) {
    try {
      return peerName(sni, tls);
    } catch (Exception e) {
      return "failed: " + e;
    }
  }

  @Test
  void authTlsChecksClientCertificatesPerIngress() throws Exception {
    MutualTls certs = new MutualTls(Files.createTempDirectory(dir, "mtls"));
    secret("client-ca", Map.of("ca.crt", TlsBackend.read(certs.caCrt)));
    secret(
        "mtls-cert",
        Map.of(
            "tls.crt",
            TlsBackend.read(certs.serverCrt),
            "tls.key",
            TlsBackend.read(certs.serverKey)));
    tlsIngress(
        "mtls-on", "on.mtls.test", Map.of(N + "auth-tls-pass-certificate-to-upstream", "true"));
    tlsIngress(
        "mtls-optional", "optional.mtls.test", Map.of(N + "auth-tls-verify-client", "optional"));
    tlsIngress("mtls-cn", "cn.mtls.test", Map.of(N + "auth-tls-match-cn", "CN=admin"));
    tlsIngress("mtls-deep", "deep.mtls.test", Map.of(N + "auth-tls-verify-depth", "2"));
    tlsIngress(
        "mtls-page",
        "page.mtls.test",
        Map.of(N + "auth-tls-error-page", "https://sso.test/cert", N + "ssl-redirect", "false"));
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> tlsGet("cn.mtls.test", certs.goodCrt, certs.goodKey).status() == 403);
    Response good = tlsGet("on.mtls.test", certs.goodCrt, certs.goodKey);
    assertThat(good.status()).isEqualTo(200);
    assertThat(good.seen("ssl-client-verify")).isEqualTo("SUCCESS");
    assertThat(good.seen("ssl-client-subject-dn")).isEqualTo("CN=good-client");
    assertThat(good.seen("ssl-client-issuer-dn")).isEqualTo("CN=Test Client CA");
    assertThat(good.seen("ssl-client-cert")).startsWith("-----BEGIN%20CERTIFICATE-----%0A");
    // Required: none, or one the CA did not sign, is 400 (never a handshake failure); a forged
    // ssl-client-verify header changes nothing.
    assertThat(tlsGet("on.mtls.test", null, null, "ssl-client-verify", "SUCCESS").status())
        .isEqualTo(400);
    assertThat(tlsGet("on.mtls.test", certs.strangerCrt, certs.strangerKey).status())
        .isEqualTo(400);
    // auth-tls-verify-depth: a certificate under two intermediate CAs needs a depth of 2 (OpenSSL
    // counts the intermediates; the default 1 allows one).
    assertThat(tlsGet("on.mtls.test", certs.deepChain, certs.deepKey).status()).isEqualTo(400);
    Response deep = tlsGet("deep.mtls.test", certs.deepChain, certs.deepKey);
    assertThat(deep.status()).isEqualTo(200);
    assertThat(deep.seen("ssl-client-subject-dn")).isEqualTo("CN=deep-client");
    // Optional: none goes through (told NONE); a bad one is still 400.
    Response none = tlsGet("optional.mtls.test", null, null, "ssl-client-verify", "SUCCESS");
    assertThat(none.status()).isEqualTo(200);
    assertThat(none.seen("ssl-client-verify")).isEqualTo("NONE");
    assertThat(tlsGet("optional.mtls.test", certs.strangerCrt, certs.strangerKey).status())
        .isEqualTo(400);
    Response page = tlsGet("page.mtls.test", null, null);
    assertThat(page.status()).isEqualTo(302);
    assertThat(page.headers()).containsEntry("location", "https://sso.test/cert");
    // Plain HTTP is sent to HTTPS first (the host has TLS); without that redirect it carries no
    // certificate and is refused like a TLS request without one.
    assertThat(get("on.mtls.test", "/").status()).isEqualTo(308);
    assertThat(get("page.mtls.test", "/").headers())
        .containsEntry("location", "https://sso.test/cert");
    // Hosts without auth-tls are not asked for a certificate at all.
    tlsIngress("no-mtls", "plain.mtls.test", Map.of());
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> tlsGet("plain.mtls.test", null, null).status() == 200);
    try (var s =
        (javax.net.ssl.SSLSocket)
            MutualTls.connect(tlsPort, "plain.mtls.test", certs.goodCrt, certs.goodKey)) {
      assertThat(s.getSession().getLocalCertificates()).as("no certificate was asked for").isNull();
    }
  }

  /** An Ingress for {@code host} over TLS (mtls-cert) whose client CA is client-ca unless none. */
  static void tlsIngress(String name, String host, Map<String, String> more) {
    Map<String, String> ann = new LinkedHashMap<>(more);
    if (!name.equals("no-mtls")) {
      ann.put(N + "auth-tls-secret", NS + "/client-ca");
    }
    Ingress ing = Fixtures.ingress(NS, name, "nginx", host, "/", "Prefix", "web", ann);
    ing.getSpec()
        .setTls(
            List.of(
                new io.fabric8.kubernetes.api.model.networking.v1.IngressTLSBuilder()
                    .withHosts(host)
                    .withSecretName("mtls-cert")
                    .build()));
    k8s.resource(ing).createOr(c -> c.update());
  }

  static Response tlsGet(String host, Path crt, Path key, String... headers) throws Exception {
    StringBuilder r = new StringBuilder("GET / HTTP/1.1\r\nHost: " + host + "\r\n");
    for (int i = 0; i < headers.length; i += 2) {
      r.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
    }
    return send(
        r.append("Connection: close\r\n\r\n").toString(),
        MutualTls.connect(tlsPort, host, crt, key));
  }

  @Test
  void customHeadersAndAuthProxyHeadersComeFromConfigMaps() throws Exception {
    k8s.resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withNamespace(NS)
                .withName("extra-headers")
                .endMetadata()
                .withData(Map.of("X-Custom-One", "hello", "X-Not-Allowed", "no"))
                .build())
        .createOr(c -> c.update());
    k8s.resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withNamespace(NS)
                .withName("auth-headers")
                .endMetadata()
                .withData(Map.of("X-Auth-Extra", "from-configmap"))
                .build())
        .createOr(c -> c.update());
    ingress("custom", "custom.test", "/", "Prefix", Map.of(N + "custom-headers", "extra-headers"));
    ingress(
        "auth-extra",
        "authextra.test",
        "/",
        "Prefix",
        Map.of(
            N + "auth-url", "http://127.0.0.1:" + auth.getAddress().getPort() + "/check",
            N + "auth-proxy-set-headers", NS + "/auth-headers"));
    ingress(
        "custom-missing",
        "custommissing.test",
        "/",
        "Prefix",
        Map.of(N + "custom-headers", "nope"));
    // The ConfigMaps are read once an Ingress names them (only referenced ones are watched).
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> "hello".equals(get("custom.test", "/").headers().get("x-custom-one")));
    assertThat(get("custom.test", "/").headers())
        .as("only names in global-allowed-response-headers")
        .doesNotContainKey("x-not-allowed");
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> get("authextra.test", "/").status() == 200);
    assertThat(get("custommissing.test", "/").status()).isEqualTo(503);
  }

  @Test
  void mirrorTargetGetsACopyOfEachRequest() throws Exception {
    var copies = new java.util.concurrent.LinkedBlockingQueue<String>();
    HttpServer shadow = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    shadow.createContext(
        "/",
        ex -> {
          byte[] in = ex.getRequestBody().readAllBytes();
          copies.add(
              ex.getRequestMethod()
                  + " "
                  + ex.getRequestURI()
                  + " host="
                  + ex.getRequestHeaders().getFirst("Host")
                  + " body="
                  + new String(in, StandardCharsets.UTF_8));
          // A slow mirror never slows the request itself.
          try {
            Thread.sleep(10_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          ex.sendResponseHeaders(500, -1);
          ex.close();
        });
    shadow.setExecutor(Executors.newFixedThreadPool(16));
    shadow.start();
    try {
      ingress(
          "mirrored-bare",
          "mirrored-bare.test",
          "/",
          "Prefix",
          Map.of(
              N + "mirror-target",
              "http://127.0.0.1:" + shadow.getAddress().getPort() + "/bare$request_uri",
              N + "mirror-request-body",
              "off"));
      ingress(
          "mirrored",
          "mirrored.test",
          "/",
          "Prefix",
          Map.of(
              N + "mirror-target",
              "http://127.0.0.1:" + shadow.getAddress().getPort() + "/copy$request_uri",
              N + "mirror-host",
              "shadow.test"));
      served("mirrored.test", "/");
      copies.clear();
      long t0 = System.nanoTime();
      Response r =
          send(
              "POST /orders?id=7 HTTP/1.1\r\nHost: mirrored.test\r\nContent-Length: 5\r\n"
                  + "Connection: close\r\n\r\nhello",
              proxyPort);
      assertThat(r.status()).as("the backend's answer, not the mirror's 500").isEqualTo(200);
      assertThat(r.seen("body")).isEqualTo("5");
      assertThat(System.nanoTime() - t0)
          .as("not held up by the slow mirror")
          .isLessThan(java.util.concurrent.TimeUnit.SECONDS.toNanos(8));
      // The readiness probes above are mirrored too, and their copies may land after clear().
      String copy;
      do {
        copy = copies.poll(10, java.util.concurrent.TimeUnit.SECONDS);
      } while (copy != null && copy.startsWith("GET "));
      assertThat(copy).isEqualTo("POST /copy/orders?id=7 host=shadow.test body=hello");
      // mirror-request-body off: the copy goes without the body.
      served("mirrored-bare.test", "/");
      send(
          "POST /b HTTP/1.1\r\nHost: mirrored-bare.test\r\nContent-Length: 5\r\n"
              + "Connection: close\r\n\r\nhello",
          proxyPort);
      do {
        copy = copies.poll(10, java.util.concurrent.TimeUnit.SECONDS);
      } while (copy != null && !copy.startsWith("POST /bare"));
      assertThat(copy).startsWith("POST /bare/b ").endsWith(" body=");
    } finally {
      shadow.stop(0);
    }
  }

  @Test
  void theReportCommandListsEveryIngressAndAnnotation() throws Exception {
    ingress(
        "report-me",
        "report.test",
        "/",
        "Prefix",
        Map.of(
            N + "server-snippet", "return 200;",
            N + "enable-modsecurity", "true",
            N + "app-root", "/start"));
    Process p =
        new ProcessBuilder(
                "bin/aralez-controller",
                "--nginx-report",
                "--kubeconfig",
                cluster.kubeconfig().toString(),
                "--nginx-configmap",
                "ingress-nginx/ingress-nginx-controller",
                "--namespaces",
                NS)
            .directory(Processes.HOME.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    assertThat(out)
        .contains("shop/report-me  [ingress-nginx]  not served (refused)")
        .containsPattern("refused +" + N.replace(".", "\\.") + "server-snippet")
        .containsPattern("ignored +" + N.replace(".", "\\.") + "enable-modsecurity: no WAF")
        .containsPattern("honoured +" + N.replace(".", "\\.") + "app-root")
        .contains("ignored   use-geoip");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                k8s.v1().events().inNamespace("ingress-nginx").list().getItems().stream()
                    .anyMatch(
                        e ->
                            e.getReason().equals("NginxConfigIgnored")
                                && e.getInvolvedObject().getKind().equals("ConfigMap")
                                && e.getMessage().contains("use-geoip")));
  }
}
