package io.aralez.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aralez.dataplane.config.HostPort;
import io.aralez.dataplane.testing.EchoBackend;
import io.aralez.dataplane.testing.FreePort;
import io.aralez.dataplane.testing.H2Backend;
import io.aralez.dataplane.testing.ProxyHarness;
import io.aralez.dataplane.testing.TestCertificates;
import io.aralez.dataplane.upstream.BackendState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Active and passive health, failover, sticky sessions and protocol detection, for real. */
class HealthIT {
  static final Duration INTERVAL = Duration.ofMillis(400);
  static final String HC = "hc_interval: 400ms\nhc_timeout: 300ms\n";
  static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @TempDir Path dir;

  static String hosts(String sticky, String... servers) {
    return "provider: file\n"
        + sticky
        + "health.test:\n  paths:\n    \"/\":\n      servers: ["
        + String.join(", ", java.util.Arrays.stream(servers).map(s -> "\"" + s + "\"").toList())
        + "]\n";
  }

  static HttpResponse<String> get(ProxyHarness p, String path, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(p.base() + path))
            .header("Host", "health.test")
            .timeout(Duration.ofSeconds(10));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static BackendState state(ProxyHarness p, String address) {
    return p.dataplane().holder().backends().get(HostPort.parse(address));
  }

  @Test
  @Tag("catalogue-3")
  void killedBackendLeavesRotationAndComesBack() throws Exception {
    EchoBackend a = new EchoBackend("a");
    EchoBackend b = new EchoBackend("b");
    EchoBackend c = new EchoBackend("c");
    int bPort = b.port();
    try (ProxyHarness proxy =
        ProxyHarness.start(dir, HC, hosts("", a.address(), b.address(), c.address()))) {
      AtomicBoolean run = new AtomicBoolean(true);
      AtomicInteger ok = new AtomicInteger();
      AtomicInteger failed = new AtomicInteger();
      CompletableFuture<Void> loop =
          CompletableFuture.runAsync(
              () -> {
                while (run.get()) {
                  try {
                    if (get(proxy, "/x").statusCode() == 200) {
                      ok.incrementAndGet();
                    } else {
                      failed.incrementAndGet();
                    }
                  } catch (Exception e) {
                    failed.incrementAndGet();
                  }
                }
              });
      await().atMost(Duration.ofSeconds(5)).until(() -> b.count() > 5);
      long killedAt = System.nanoTime();
      b.close();
      await()
          .atMost(INTERVAL.multipliedBy(3))
          .until(() -> !state(proxy, "127.0.0.1:" + bPort).healthy());
      assertThat(Duration.ofNanos(System.nanoTime() - killedAt))
          .isLessThan(INTERVAL.multipliedBy(3));
      int failedWhileDown = failed.get();
      int okBefore = ok.get();
      await().atMost(Duration.ofSeconds(5)).until(() -> ok.get() > okBefore + 50);
      // Nothing fails after the backend left rotation; at most the one request in flight on it.
      assertThat(failed.get()).isEqualTo(failedWhileDown).isLessThanOrEqualTo(1);

      EchoBackend back = new EchoBackend("b2", bPort, null);
      try {
        await()
            .atMost(INTERVAL.multipliedBy(5))
            .until(() -> state(proxy, "127.0.0.1:" + bPort).healthy());
        await().atMost(Duration.ofSeconds(5)).until(() -> back.count() > 5);
      } finally {
        run.set(false);
        loop.join();
        back.close();
      }
      assertThat(failed.get()).isLessThanOrEqualTo(1);
    } finally {
      a.close();
      c.close();
    }
  }

  @Test
  @Tag("catalogue-3")
  void backendAnswering500ToProbesLeavesAndReturns() throws Exception {
    try (EchoBackend a = new EchoBackend("a");
        EchoBackend b = new EchoBackend("b");
        ProxyHarness proxy = ProxyHarness.start(dir, HC, hosts("", a.address(), b.address()))) {
      b.probeStatus(500);
      await().atMost(INTERVAL.multipliedBy(4)).until(() -> !state(proxy, b.address()).healthy());
      int before = b.count();
      for (int i = 0; i < 20; i++) {
        assertThat(get(proxy, "/").body()).contains("backend=a");
      }
      assertThat(b.count()).isEqualTo(before);
      assertThat(state(proxy, b.address()).lastError()).contains("500");
      b.probeStatus(204);
      await().atMost(INTERVAL.multipliedBy(5)).until(() -> state(proxy, b.address()).healthy());
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> get(proxy, "/").body().contains("backend=b"));
    }
  }

  @Test
  @Tag("catalogue-3")
  void allBackendsDownIs503AndAReloadKeepsTheirState() throws Exception {
    try (EchoBackend a = new EchoBackend("a");
        ProxyHarness proxy =
            ProxyHarness.start(
                dir,
                HC + "config_address: 127.0.0.1:" + FreePort.get() + "\n",
                hosts("", a.address()))) {
      a.probeStatus(503);
      await().atMost(INTERVAL.multipliedBy(4)).until(() -> !state(proxy, a.address()).healthy());
      HttpResponse<String> r = get(proxy, "/");
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.headers().firstValue("retry-after")).isPresent();

      long applied = proxy.dataplane().intake().appliedCount();
      proxy.rewriteUpstreams(hosts("client_headers: [\"X-New:1\"]\n", a.address()));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> proxy.dataplane().intake().appliedCount() > applied);
      // Still configured, still known to be down: a reload neither resets nor drops it.
      assertThat(state(proxy, a.address()).healthy()).isFalse();
      String live = status(proxy, "?live");
      assertThat(live)
          .contains(
              "\"health.test\":{\"/\":{\"backends\":[{\"address\":\"127.0.0.1\",\"port\":"
                  + a.port()
                  + ",\"alive\":false}]}}");

      a.probeStatus(200);
      await().atMost(INTERVAL.multipliedBy(5)).until(() -> state(proxy, a.address()).healthy());
      HttpResponse<String> ok = get(proxy, "/");
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.headers().firstValue("X-New")).hasValue("1");
      assertThat(status(proxy, "")).contains("\"healthy\":true").contains("\"protocol\":\"http\"");
      assertThat(status(proxy, "?all")).contains("\"is_ssl\":false").contains("\"requests\":");
    }
  }

  static String status(ProxyHarness proxy, String query) throws Exception {
    int port = proxy.dataplane().admin().address().getPort();
    HttpResponse<String> r =
        CLIENT.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/status" + query))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
    return r.body();
  }

  @Test
  @Tag("catalogue-3")
  void refusedBackendNeverSurfacesWhileAnotherIsHealthy() throws Exception {
    int dead = FreePort.get();
    try (EchoBackend a = new EchoBackend("a");
        ProxyHarness proxy =
            ProxyHarness.start(
                dir, "hc_interval: 30s\n", hosts("", "127.0.0.1:" + dead, a.address()))) {
      for (int i = 0; i < 20; i++) {
        assertThat(get(proxy, "/").statusCode()).isEqualTo(200);
      }
      // Passive health took it out after the first refused connect, long before any probe.
      assertThat(state(proxy, "127.0.0.1:" + dead).healthy()).isFalse();
    }
  }

  @Test
  @Tag("catalogue-2.15")
  void stickySessions() throws Exception {
    EchoBackend[] backends = {new EchoBackend("a"), new EchoBackend("b"), new EchoBackend("c")};
    try (ProxyHarness proxy =
        ProxyHarness.start(
            dir,
            HC,
            hosts(
                "sticky_sessions: 3600\n",
                backends[0].address(),
                backends[1].address(),
                backends[2].address()))) {
      HttpResponse<String> first = get(proxy, "/cookie");
      List<String> cookies = first.headers().allValues("set-cookie");
      assertThat(cookies).contains("session=abc; Path=/");
      String sticky =
          cookies.stream().filter(s -> s.startsWith("backend_id=")).findFirst().orElseThrow();
      assertThat(sticky)
          .matches("backend_id=[0-9a-f]{32}; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax");
      String id = sticky.substring("backend_id=".length(), sticky.indexOf(';'));
      String pinned = backendOf(first.body());

      for (int i = 0; i < 100; i++) {
        HttpResponse<String> r = get(proxy, "/", "Cookie", "theme=dark; backend_id=" + id);
        assertThat(backendOf(r.body())).isEqualTo(pinned);
        assertThat(r.headers().allValues("set-cookie")).isEmpty();
      }
      // A cookie that merely ends with our name is not ours.
      Map<String, Integer> spread = new HashMap<>();
      for (int i = 0; i < 30; i++) {
        spread.merge(
            backendOf(get(proxy, "/", "Cookie", "xbackend_id=" + id).body()), 1, Integer::sum);
      }
      assertThat(spread).hasSize(3);

      EchoBackend pinnedBackend =
          java.util.Arrays.stream(backends)
              .filter(b -> pinned.equals(nameOf(b)))
              .findFirst()
              .orElseThrow();
      pinnedBackend.close();
      HttpResponse<String> moved = get(proxy, "/", "Cookie", "backend_id=" + id);
      assertThat(moved.statusCode()).isEqualTo(200);
      assertThat(backendOf(moved.body())).isNotEqualTo(pinned);
      String reissued = moved.headers().firstValue("set-cookie").orElseThrow();
      assertThat(reissued).startsWith("backend_id=").doesNotContain(id);
    } finally {
      for (EchoBackend b : backends) {
        b.close();
      }
    }
  }

  static String backendOf(String body) {
    return body.lines()
        .filter(l -> l.startsWith("backend="))
        .findFirst()
        .orElseThrow()
        .substring(8);
  }

  /** Asks a backend directly for its name. */
  static String nameOf(EchoBackend b) {
    try {
      return backendOf(
          CLIENT
              .send(
                  HttpRequest.newBuilder(URI.create("http://" + b.address() + "/who")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body());
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  @Test
  void explicitProtocolOverrides() throws Exception {
    KeyManagerFactory kmf = TestCertificates.selfSigned(dir);
    try (H2Backend h2c = new H2Backend(null);
        EchoBackend https = new EchoBackend("https", 0, TestCertificates.sslContext(kmf))) {
      String upstreams =
          "provider: file\ntls.test:\n  paths:\n    \"/\": {protocol: h2c, servers: [\""
              + h2c.address()
              + "\"]}\n    \"/s\": {protocol: https, healthcheck: false, servers: [\""
              + https.address()
              + "\"]}\n";
      try (ProxyHarness proxy = ProxyHarness.start(dir, HC, upstreams)) {
        HttpResponse<String> r =
            CLIENT.send(
                HttpRequest.newBuilder(URI.create(proxy.base() + "/grpc-like"))
                    .header("Host", "tls.test")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.body()).contains("backend=h2").contains("uri=/grpc-like");
        HttpResponse<String> s =
            CLIENT.send(
                HttpRequest.newBuilder(URI.create(proxy.base() + "/s/x"))
                    .header("Host", "tls.test")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(s.body()).contains("backend=https");
        assertThat(state(proxy, https.address()).detected()).isNull();
      }
    }
  }

  @Test
  @Tag("catalogue-2.8")
  void verificationIsOptInAndUsesTheGivenCa() throws Exception {
    Path pem = dir.resolve("backend.pem");
    KeyManagerFactory kmf = TestCertificates.selfSigned(dir, pem);
    try (EchoBackend https = new EchoBackend("https", 0, TestCertificates.sslContext(kmf))) {
      String upstreams =
          "provider: file\ntls.test:\n  paths:\n    \"/\": {servers: [\""
              + https.address()
              + "\"]}\n";
      // Verification on, certificate not trusted: detected as TLS, but never healthy.
      try (ProxyHarness proxy =
          ProxyHarness.start(dir, HC + "upstream_tls_verify: true\n", upstreams)) {
        await()
            .atMost(INTERVAL.multipliedBy(5))
            .until(() -> !state(proxy, https.address()).healthy());
        assertThat(state(proxy, https.address()).lastError()).containsIgnoringCase("certif");
        HttpResponse<String> refused =
            CLIENT.send(
                HttpRequest.newBuilder(URI.create(proxy.base() + "/"))
                    .header("Host", "tls.test")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(503);
      }
      // Trusted through ca_file: proxied, with the host name checked against the request's host.
      try (ProxyHarness proxy =
          ProxyHarness.start(
              dir, HC + "upstream_tls_verify: true\nca_file: " + pem + "\n", upstreams)) {
        await()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(
                () ->
                    assertThat(state(proxy, https.address()).detected())
                        .as("%s", state(proxy, https.address()).lastError())
                        .isNotNull());
        HttpResponse<String> r =
            CLIENT.send(
                HttpRequest.newBuilder(URI.create(proxy.base() + "/v"))
                    .header("Host", "tls.test")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("backend=https");
      }
    }
  }

  @Test
  void tlsAndHttp2OnlyBackendsAreDetectedWithoutConfiguration() throws Exception {
    KeyManagerFactory kmf = TestCertificates.selfSigned(dir);
    try (EchoBackend https = new EchoBackend("https", 0, TestCertificates.sslContext(kmf));
        H2Backend h2 = new H2Backend(kmf)) {
      String upstreams =
          "provider: file\ntls.test:\n  paths:\n    \"/\": {servers: [\""
              + https.address()
              + "\"]}\n    \"/h2\": {servers: [\""
              + h2.address()
              + "\"]}\n";
      try (ProxyHarness proxy = ProxyHarness.start(dir, HC, upstreams)) {
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    state(proxy, https.address()).detected() != null
                        && state(proxy, h2.address()).detected() != null);
        assertThat(state(proxy, https.address()).detected().name()).isEqualTo("HTTPS");
        assertThat(state(proxy, h2.address()).detected().name()).isEqualTo("H2");
        for (int i = 0; i < 5; i++) {
          HttpResponse<String> r =
              CLIENT.send(
                  HttpRequest.newBuilder(URI.create(proxy.base() + "/page?x=" + i))
                      .header("Host", "tls.test")
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          assertThat(r.statusCode()).isEqualTo(200);
          assertThat(r.body()).contains("backend=https").contains("uri=/page?x=" + i);
          HttpResponse<String> r2 =
              CLIENT.send(
                  HttpRequest.newBuilder(URI.create(proxy.base() + "/h2/x?y=" + i))
                      .header("Host", "tls.test")
                      .POST(HttpRequest.BodyPublishers.ofString("hello"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          assertThat(r2.statusCode()).isEqualTo(200);
          assertThat(r2.body())
              .contains("backend=h2")
              .contains("uri=/h2/x?y=" + i)
              .contains("body=5");
          assertThat(r2.headers().map().keySet()).noneMatch(k -> k.startsWith("x-http2"));
        }
        assertThat(h2.count()).isEqualTo(5);
      }
    }
  }
}
