package io.aralez.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * The ingress-nginx annotations that tune a behaviour another test already shows (CORS headers,
 * redirect codes, cookie attributes, hashing, retries, response rewrites...), each asserted on what
 * the client and the backend see through the real controller and data plane.
 */
class NginxAnnotationsIT extends NginxHarness {

  @Test
  void corsHeadersAreCopiedFromTheirAnnotations() throws Exception {
    ingress(
        "cors-tuned",
        "cors-tuned.test",
        "/",
        "Prefix",
        Map.of(
            N + "enable-cors", "true",
            N + "cors-allow-origin", "https://shop.example",
            N + "cors-allow-methods", "GET, PUT",
            N + "cors-allow-headers", "X-Token,Content-Type",
            N + "cors-expose-headers", "X-Total",
            N + "cors-allow-credentials", "false",
            N + "cors-max-age", "600"));
    served("cors-tuned.test", "/");
    Response pre =
        send(
            "OPTIONS /items HTTP/1.1\r\nHost: cors-tuned.test\r\nOrigin: https://shop.example\r\n"
                + "Access-Control-Request-Method: PUT\r\nConnection: close\r\n\r\n",
            proxyPort);
    assertThat(pre.status()).isEqualTo(204);
    assertThat(pre.headers())
        .containsEntry("access-control-allow-origin", "https://shop.example")
        .containsEntry("access-control-allow-methods", "GET, PUT")
        .containsEntry("access-control-allow-headers", "X-Token,Content-Type")
        .containsEntry("access-control-max-age", "600")
        .doesNotContainKey("access-control-allow-credentials");
    Response get = get("cors-tuned.test", "/items", "Origin", "https://shop.example");
    assertThat(get.status()).isEqualTo(200);
    assertThat(get.headers()).containsEntry("access-control-expose-headers", "X-Total");
  }

  @Test
  void redirectCodesTrailingSlashAndPort() throws Exception {
    ingress(
        "keep-slash",
        "keep-slash.test",
        "/",
        "Prefix",
        Map.of(
            N + "force-ssl-redirect", "true",
            N + "preserve-trailing-slash", "true",
            N + "use-port-in-redirects", "true"));
    ingress(
        "tmp-moved",
        "tmp-moved.test",
        "/",
        "Prefix",
        Map.of(
            N + "temporal-redirect", "https://tmp.example/x",
            N + "temporal-redirect-code", "307"));
    ingress(
        "perm-moved",
        "perm-moved.test",
        "/",
        "Prefix",
        Map.of(
            N + "permanent-redirect", "https://new.example/y",
            N + "permanent-redirect-code", "308"));
    served("keep-slash.test", "/");
    assertThat(get("keep-slash.test", "/a/?q=1").headers())
        .as("the slash kept, the port named although it is 443")
        .containsEntry("location", "https://keep-slash.test:443/a/?q=1");
    served("tmp-moved.test", "/");
    Response tmp = get("tmp-moved.test", "/z");
    assertThat(tmp.status()).isEqualTo(307);
    assertThat(tmp.headers()).containsEntry("location", "https://tmp.example/x");
    served("perm-moved.test", "/");
    assertThat(get("perm-moved.test", "/").status()).isEqualTo(308);
  }

  @Test
  void theUpstreamsLocationAndCookiesAreRewritten() throws Exception {
    ingress(
        "rewritten",
        "rewritten.test",
        "/",
        "Prefix",
        Map.of(
            N + "proxy-redirect-from", "http://backend.internal/app/",
            N + "proxy-redirect-to", "https://rewritten.test/",
            N + "proxy-cookie-domain", "backend.internal rewritten.test",
            // nginx replaces the prefix as written: "/app/" to "/" makes /app/cart /cart.
            N + "proxy-cookie-path", "/app/ /"));
    served("rewritten.test", "/");
    Response r = get("rewritten.test", "/moved");
    assertThat(r.headers()).containsEntry("location", "https://rewritten.test/next");
    assertThat(r.headers().get("set-cookie")).isEqualTo("sid=1; Domain=rewritten.test; Path=/cart");
  }

  @Test
  void theAffinityCookieTakesEveryAttributeAsked() throws Exception {
    ingress(
        "cookie-shape",
        "cookie-shape.test",
        "/shop",
        "Prefix",
        Map.of(
            N + "affinity", "cookie",
            N + "session-cookie-path", "/shop",
            N + "session-cookie-domain", ".cookie-shape.test",
            N + "session-cookie-secure", "true",
            N + "session-cookie-max-age", "60",
            N + "session-cookie-expires", "3600",
            N + "affinity-mode", "persistent"));
    served("cookie-shape.test", "/shop");
    String c = get("cookie-shape.test", "/shop/x").headers().get("set-cookie");
    assertThat(c)
        .startsWith("INGRESSCOOKIE=")
        .contains("; Path=/shop", "; Domain=.cookie-shape.test", "; Max-Age=60", "; Expires=")
        .contains("; HttpOnly", "; Secure");
  }

  /**
   * session-cookie-change-on-failure: a session whose endpoint went away is served by another; by
   * default it keeps its cookie, with "true" the cookie follows the endpoint that answered.
   */
  @Test
  void aFailedOverSessionKeepsOrChangesItsCookie() throws Exception {
    HttpServer second = echoBackend("second");
    try {
      service("pinned", backend.getAddress().getPort(), second.getAddress().getPort());
      ingress(
          "keep-cookie",
          "keep-cookie.test",
          "/",
          "Prefix",
          "pinned",
          Map.of(N + "affinity", "cookie"));
      ingress(
          "change-cookie",
          "change-cookie.test",
          "/",
          "Prefix",
          "pinned",
          Map.of(N + "affinity", "cookie", N + "session-cookie-change-on-failure", "true"));
      served("keep-cookie.test", "/");
      served("change-cookie.test", "/");
      String keep = cookieOn("keep-cookie.test", "second");
      String change = cookieOn("change-cookie.test", "second");
      second.stop(0);
      Response kept = get("keep-cookie.test", "/", "Cookie", keep);
      assertThat(kept.status()).isEqualTo(200);
      assertThat(kept.headers()).containsEntry("x-backend", "main").doesNotContainKey("set-cookie");
      Response changed = get("change-cookie.test", "/", "Cookie", change);
      assertThat(changed.headers()).containsEntry("x-backend", "main");
      assertThat(changed.headers().get("set-cookie")).startsWith("INGRESSCOOKIE=");
    } finally {
      second.stop(0);
    }
  }

  /** A session cookie ("name=value") that pins {@code host} to the backend named {@code name}. */
  static String cookieOn(String host, String name) throws Exception {
    for (int i = 0; i < 64; i++) {
      Response r = get(host, "/");
      if (name.equals(r.headers().get("x-backend"))) {
        return r.headers().get("set-cookie").split(";", 2)[0];
      }
    }
    throw new AssertionError("no session of " + host + " landed on " + name);
  }

  @Test
  void upstreamHashByKeepsAKeyOnOneEndpointAndASubsetSpreadsIt() throws Exception {
    service("pair", backend.getAddress().getPort(), canaryBackend.getAddress().getPort());
    ingress(
        "hashed",
        "hashed.test",
        "/",
        "Prefix",
        "pair",
        Map.of(N + "upstream-hash-by", "$arg_user"));
    ingress(
        "subset",
        "subset.test",
        "/",
        "Prefix",
        "pair",
        Map.of(
            N + "upstream-hash-by", "$arg_user",
            N + "upstream-hash-by-subset", "true",
            N + "upstream-hash-by-subset-size", "2"));
    served("hashed.test", "/");
    Set<String> used = new HashSet<>();
    for (int user = 0; user < 12; user++) {
      String first = get("hashed.test", "/?user=u" + user).headers().get("x-backend");
      used.add(first);
      for (int i = 0; i < 3; i++) {
        assertThat(get("hashed.test", "/?user=u" + user).headers())
            .containsEntry("x-backend", first);
      }
    }
    // Twelve keys over two endpoints: both are used (1 in 2048 to miss one).
    assertThat(used).containsExactlyInAnyOrder("main", "canary");
    served("subset.test", "/");
    Set<String> spread = new HashSet<>();
    for (int i = 0; i < 24; i++) {
      spread.add(get("subset.test", "/?user=one").headers().get("x-backend"));
    }
    assertThat(spread).as("one key, a group of two").containsExactlyInAnyOrder("main", "canary");
  }

  @Test
  void ewmaSendsMostRequestsToTheFasterEndpoint() throws Exception {
    HttpServer slow = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    slow.createContext(
        "/",
        ex -> {
          try {
            Thread.sleep(300);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          ex.getResponseHeaders().set("X-Backend", "slow");
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    slow.setExecutor(Executors.newFixedThreadPool(4));
    slow.start();
    try {
      service("uneven", backend.getAddress().getPort(), slow.getAddress().getPort());
      ingress("ewma", "ewma.test", "/", "Prefix", "uneven", Map.of(N + "load-balance", "ewma"));
      served("ewma.test", "/");
      int fast = 0;
      for (int i = 0; i < 30; i++) {
        if ("main".equals(get("ewma.test", "/").headers().get("x-backend"))) {
          fast++;
        }
      }
      // Round robin would give 15; once both are measured, the 300 ms one loses every draw.
      assertThat(fast).isGreaterThanOrEqualTo(25);
    } finally {
      slow.stop(0);
    }
  }

  @Test
  void aLocationCanStayOutOfTheAccessLog() throws Exception {
    ingress("quiet", "quiet.test", "/", "Prefix", Map.of(N + "enable-access-log", "false"));
    ingress("loud", "loud.test", "/", "Prefix", Map.of());
    served("quiet.test", "/");
    served("loud.test", "/");
    String quiet = "/quiet-" + UUID.randomUUID();
    String loud = "/loud-" + UUID.randomUUID();
    get("quiet.test", quiet);
    get("loud.test", loud);
    Path log = Path.of("target/e2e-logs-nginx/dataplane.log");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> Files.readString(log, StandardCharsets.UTF_8).contains(loud));
    assertThat(Files.readString(log, StandardCharsets.UTF_8)).doesNotContain(quiet);
  }

  @Test
  void satisfyAnyLetsTheSourceListOrThePasswordIn() throws Exception {
    secret("any-users", Map.of("auth", "ann:" + shaHash("pw")));
    Map<String, String> auth =
        Map.of(
            N + "auth-type", "basic",
            N + "auth-secret", "any-users",
            N + "satisfy", "any");
    ingress(
        "any-in",
        "any-in.test",
        "/",
        "Prefix",
        with(auth, "allowlist-source-range", "127.0.0.1/32"));
    ingress(
        "any-out",
        "any-out.test",
        "/",
        "Prefix",
        with(auth, "allowlist-source-range", "10.0.0.0/8"));
    // The Secret is read once an Ingress names it: 503 until then.
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> get("any-in.test", "/").status() == 200);
    served("any-out.test", "/");
    assertThat(get("any-out.test", "/").status()).isEqualTo(401);
    String pw = basic("ann", "pw");
    assertThat(get("any-out.test", "/", "Authorization", pw).status())
        .as("the password is enough")
        .isEqualTo(200);
  }

  @Test
  void serviceUpstreamGoesToTheClusterIpNotTheEndpoints() throws Exception {
    // The cluster IP and port lead to the main backend, the endpoints to the canary's.
    k8s.resource(
            new io.fabric8.kubernetes.api.model.ServiceBuilder()
                .withNewMetadata()
                .withNamespace(NS)
                .withName("via-ip")
                .endMetadata()
                .withNewSpec()
                .withClusterIP("127.0.0.1")
                .addNewPort()
                .withName("http")
                .withPort(backend.getAddress().getPort())
                .endPort()
                .endSpec()
                .build())
        .createOr(c -> c.update());
    k8s.resource(
            Fixtures.localSlice(NS, "via-ip", "via-ip-0", canaryBackend.getAddress().getPort()))
        .createOr(c -> c.update());
    ingress(
        "cluster-ip",
        "cluster-ip.test",
        "/",
        "Prefix",
        "via-ip",
        Map.of(N + "service-upstream", "true"));
    ingress("endpoints", "endpoints.test", "/", "Prefix", "via-ip", Map.of());
    served("cluster-ip.test", "/");
    served("endpoints.test", "/");
    assertThat(get("cluster-ip.test", "/").headers()).containsEntry("x-backend", "main");
    assertThat(get("endpoints.test", "/").headers()).containsEntry("x-backend", "canary");
  }

  @Test
  void theGlobalAuthGuardsEveryLocationButThoseThatOptOut() throws Exception {
    ingress("guarded", "guarded.test", "/", "Prefix", Map.of());
    ingress("open", "open.test", "/", "Prefix", Map.of(N + "enable-global-auth", "false"));
    served("guarded.test", "/");
    served("open.test", "/");
    try {
      Map<String, String> config = new java.util.HashMap<>(NGINX_CONFIG);
      config.put("global-auth-url", "http://127.0.0.1:" + auth.getAddress().getPort() + "/check");
      configMap(config);
      await().atMost(Duration.ofSeconds(30)).until(() -> get("guarded.test", "/").status() == 401);
      assertThat(get("guarded.test", "/", "X-Want", "200").status()).isEqualTo(200);
      assertThat(get("open.test", "/").status()).isEqualTo(200);
    } finally {
      configMap(NGINX_CONFIG);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> get("guarded.test", "/").status() == 200);
  }

  @Test
  void theSigninRedirectUsesItsParameterName() throws Exception {
    ingress(
        "signin",
        "signin.test",
        "/",
        "Prefix",
        Map.of(
            N + "auth-url", "http://127.0.0.1:" + auth.getAddress().getPort() + "/check",
            N + "auth-signin", "http://login.test/start",
            N + "auth-signin-redirect-param", "return_to"));
    served("signin.test", "/");
    Response r = get("signin.test", "/?a=b");
    assertThat(r.status()).isEqualTo(302);
    assertThat(r.headers().get("location"))
        .startsWith("http://login.test/start?return_to=")
        .doesNotContain("rd=");
  }

  @Test
  void aCanaryByHeaderValueAndAWeightOutOfItsTotal() throws Exception {
    ingress("cv-main", "cv.test", "/", "Prefix", Map.of());
    ingress(
        "cv-canary",
        "cv.test",
        "/",
        "Prefix",
        "web-canary",
        Map.of(
            N + "canary", "true",
            N + "canary-by-header", "X-Stage",
            N + "canary-by-header-value", "beta"));
    ingress("cw-main", "cw.test", "/", "Prefix", Map.of());
    ingress(
        "cw-canary",
        "cw.test",
        "/",
        "Prefix",
        "web-canary",
        Map.of(
            N + "canary", "true",
            N + "canary-weight", "400",
            N + "canary-weight-total", "400"));
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () ->
                "canary".equals(get("cv.test", "/", "X-Stage", "beta").headers().get("x-backend")));
    assertThat(get("cv.test", "/", "X-Stage", "always").headers())
        .as("with a value, always is just another value")
        .containsEntry("x-backend", "main");
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> "canary".equals(get("cw.test", "/").headers().get("x-backend")));
    for (int i = 0; i < 10; i++) {
      assertThat(get("cw.test", "/").headers())
          .as("400 of 400")
          .containsEntry("x-backend", "canary");
    }
  }

  @Test
  void listedClientsAreNotRateLimited() throws Exception {
    Map<String, String> limit = Map.of(N + "limit-rpm", "1", N + "limit-burst-multiplier", "1");
    ingress("wl", "wl.test", "/", "Prefix", with(limit, "limit-whitelist", "127.0.0.1/32"));
    ingress("al", "al.test", "/", "Prefix", with(limit, "limit-allowlist", "127.0.0.0/8"));
    ingress("nl", "nl.test", "/", "Prefix", limit);
    for (String host : List.of("wl.test", "al.test")) {
      served(host, "/");
      for (int i = 0; i < 5; i++) {
        assertThat(get(host, "/").status()).as(host).isEqualTo(200);
      }
    }
    served("nl.test", "/");
    List<Integer> others = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      others.add(get("nl.test", "/").status());
    }
    assertThat(others).contains(503);
  }

  /** proxy-next-upstream http_503 with its tries: a failing endpoint is passed over. */
  @Test
  void aListedFailureGoesToTheNextEndpoint() throws Exception {
    HttpServer failing = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    failing.createContext(
        "/",
        ex -> {
          ex.getResponseHeaders().set("X-Backend", "failing");
          ex.sendResponseHeaders(503, -1);
          ex.close();
        });
    failing.setExecutor(Executors.newFixedThreadPool(4));
    failing.start();
    try {
      service("half", failing.getAddress().getPort(), backend.getAddress().getPort());
      ingress(
          "retried",
          "retried.test",
          "/",
          "Prefix",
          "half",
          Map.of(
              N + "proxy-next-upstream", "error timeout http_503",
              N + "proxy-next-upstream-tries", "2",
              N + "proxy-next-upstream-timeout", "10"));
      ingress("plain-half", "plain-half.test", "/", "Prefix", "half", Map.of());
      served("retried.test", "/");
      for (int i = 0; i < 10; i++) {
        assertThat(get("retried.test", "/").status()).isEqualTo(200);
      }
      served("plain-half.test", "/");
      Set<Integer> plain = new HashSet<>();
      for (int i = 0; i < 10; i++) {
        plain.add(get("plain-half.test", "/").status());
      }
      assertThat(plain).as("without http_503 the failing answer goes out").contains(503);
    } finally {
      failing.stop(0);
    }
  }

  @Test
  void interceptionCanBeTurnedOffPerLocation() throws Exception {
    Map<String, String> pages =
        Map.of(N + "custom-http-errors", "503", N + "default-backend", "web-canary");
    ingress("intercepted", "intercepted.test", "/", "Prefix", pages);
    ingress(
        "passed",
        "passed.test",
        "/",
        "Prefix",
        with(pages, "disable-proxy-intercept-errors", "true"));
    served("intercepted.test", "/");
    served("passed.test", "/");
    assertThat(get("intercepted.test", "/status/503").headers())
        .containsEntry("x-backend", "canary");
    Response passed = get("passed.test", "/status/503");
    assertThat(passed.status()).isEqualTo(503);
    assertThat(passed.headers()).containsEntry("x-backend", "main");
  }

  /**
   * proxy-connect-timeout: against a backend whose accept queue is full (its SYNs go unanswered), a
   * 1 s connect timeout ends the request before a 30 s one does.
   */
  @Test
  void theConnectTimeoutIsTheAnnotations() throws Exception {
    try (java.net.ServerSocket full =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      List<java.net.Socket> fillers = new ArrayList<>();
      try {
        // Fill the accept queue so that further SYNs are dropped.
        for (int i = 0; i < 4; i++) {
          java.net.Socket s = new java.net.Socket();
          try {
            s.connect(full.getLocalSocketAddress(), 500);
            fillers.add(s);
          } catch (java.io.IOException timedOut) {
            s.close();
            break;
          }
        }
        service("full", full.getLocalPort());
        ingress(
            "short-connect",
            "short-connect.test",
            "/",
            "Prefix",
            "full",
            Map.of(N + "proxy-connect-timeout", "1", N + "proxy-next-upstream-tries", "1"));
        ingress(
            "long-connect",
            "long-connect.test",
            "/",
            "Prefix",
            "full",
            Map.of(N + "proxy-connect-timeout", "30", N + "proxy-next-upstream-tries", "1"));
        routed("long-connect.test");
        routed("short-connect.test");
        CompletableFuture<Integer> longer =
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return get("long-connect.test", "/").status();
                  } catch (Exception e) {
                    return -1;
                  }
                });
        int shortStatus = get("short-connect.test", "/").status();
        assertThat(shortStatus).isIn(502, 504);
        assertThat(longer).as("the 30 s one is still connecting").isNotDone();
        longer.cancel(true);
      } finally {
        for (java.net.Socket s : fillers) {
          s.close();
        }
      }
    }
  }

  @Test
  void proxyHttpVersionOneZeroIsReported() throws Exception {
    ingress("v10", "v10.test", "/", "Prefix", Map.of(N + "proxy-http-version", "1.0"));
    ingress("v11", "v11.test", "/", "Prefix", Map.of(N + "proxy-http-version", "1.1"));
    served("v10.test", "/");
    served("v11.test", "/");
    assertThat(get("v10.test", "/").status()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !events("v10", "NginxAnnotationInvalid").isEmpty());
    assertThat(events("v10", "NginxAnnotationInvalid").get(0).getMessage())
        .contains("proxy-http-version");
    assertThat(events("v11", "NginxAnnotationInvalid")).isEmpty();
  }
}
