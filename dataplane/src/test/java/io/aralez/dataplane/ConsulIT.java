package io.aralez.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aralez.dataplane.runtime.Candidate;
import io.aralez.dataplane.runtime.ConfigIntake;
import io.aralez.dataplane.testing.EchoBackend;
import io.aralez.dataplane.testing.FakeConsul;
import io.aralez.dataplane.testing.FreePort;
import io.aralez.dataplane.testing.ProxyHarness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code provider: consul} against {@link FakeConsul} (there is no Consul to run here): the data
 * plane in this JVM on real sockets, real backends, Consul's HTTP protocol on loopback.
 */
class ConsulIT {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  /** Generous for a loaded machine; the mechanism answers in a few hundred ms (README). */
  private static final Duration SOON = Duration.ofSeconds(5);

  @TempDir Path dir;

  static String upstreams(String servers, String extra) {
    return """
        provider: consul
        client_headers: ["X-Via:aralez"]
        consul:
          servers: [%s]
        %s  services:
            - hostname: shop.test
              upstream: shop
        """
        .formatted(servers, extra);
  }

  static ProxyHarness start(Path dir, String upstreams) throws Exception {
    int admin = FreePort.get();
    return ProxyHarness.start(
        dir,
        "config_address: 127.0.0.1:" + admin + "\nhc_interval: 1s\nhc_rise: 1\nhc_fall: 1\n",
        upstreams);
  }

  static HttpResponse<String> get(ProxyHarness p, String host, String path) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create(p.base() + path))
            .header("Host", host)
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String admin(ProxyHarness p, String path) throws Exception {
    int port = p.dataplane().admin().address().getPort();
    return CLIENT
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  static String backendOf(ProxyHarness p, String host) throws Exception {
    HttpResponse<String> r = get(p, host, "/");
    return r.statusCode() + ":" + r.headers().firstValue("X-Backend").orElse("-");
  }

  static Set<String> backendsSeen(ProxyHarness p, String host, int requests) throws Exception {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < requests; i++) {
      seen.add(backendOf(p, host));
    }
    return seen;
  }

  @Test
  void aServiceFollowsConsulsHealthAndTheTokenTravelsInItsHeader() throws Exception {
    try (FakeConsul consul = new FakeConsul();
        EchoBackend a = new EchoBackend("a");
        EchoBackend b = new EchoBackend("b")) {
      consul.requireToken("s3cret-token");
      consul.register("shop", "shop-a", "127.0.0.1", a.port());
      try (ProxyHarness p =
          start(dir, upstreams("\"" + consul.url() + "\"", "  token: s3cret-token\n"))) {
        HttpResponse<String> first = get(p, "shop.test", "/");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("X-Backend")).hasValue("a");
        assertThat(first.headers().firstValue("X-Via")).hasValue("aralez");

        consul.register("shop", "shop-b", "127.0.0.1", b.port());
        await().atMost(SOON).until(() -> backendsSeen(p, "shop.test", 6).contains("200:b"));

        consul.status("shop", "shop-a", "critical");
        await().atMost(SOON).until(() -> backendsSeen(p, "shop.test", 6).equals(Set.of("200:b")));

        assertThat(consul.calls()).allMatch(c -> c.endsWith("token=s3cret-token"));
        assertThat(consul.calls()).anyMatch(c -> c.contains("/v1/health/service/shop?passing"));
        assertThat(consul.calls()).anyMatch(c -> c.contains("index=") && c.contains("wait=300s"));
        assertThat(admin(p, "/status?sources")).doesNotContain("s3cret").contains("\"ok\":true");
      }
    }
  }

  @Test
  @Tag("catalogue-3")
  void consulDownBadTokenAndGarbageKeepTheLastGoodBackends() throws Exception {
    try (EchoBackend a = new EchoBackend("a")) {
      FakeConsul consul = new FakeConsul();
      consul.register("shop", "shop-a", "127.0.0.1", a.port());
      try (ProxyHarness p = start(dir, upstreams("\"" + consul.url() + "\"", "  wait: 2s\n"))) {
        assertThat(backendOf(p, "shop.test")).isEqualTo("200:a");
        long applied = p.dataplane().intake().appliedCount();

        consul.fault(FakeConsul.Fault.GARBAGE);
        await().atMost(SOON).until(() -> admin(p, "/status?sources").contains("bad_response"));
        assertThat(backendOf(p, "shop.test")).isEqualTo("200:a");

        consul.fault(FakeConsul.Fault.NONE);
        consul.requireToken("a-token-we-do-not-have");
        await().atMost(SOON).until(() -> admin(p, "/status?sources").contains("\"forbidden\""));
        assertThat(backendOf(p, "shop.test")).isEqualTo("200:a");
        assertThat(admin(p, "/metrics"))
            .contains("aralez_discovery_errors_total{provider=\"consul\",reason=\"forbidden\"}");

        consul.close();
        await().atMost(SOON).until(() -> admin(p, "/status?sources").contains("\"unreachable\""));
        assertThat(backendOf(p, "shop.test")).isEqualTo("200:a");
        assertThat(admin(p, "/readyz")).startsWith("ready\n").contains("consul discovery failing");
        // Nothing was swapped while Consul misbehaved.
        assertThat(p.dataplane().intake().appliedCount()).isEqualTo(applied);
      }
    }
  }

  @Test
  void theNextServerTakesOverAndTheLastOneInTheListIsUsedToo() throws Exception {
    try (FakeConsul consul = new FakeConsul();
        EchoBackend a = new EchoBackend("a")) {
      consul.register("shop", "shop-a", "127.0.0.1", a.port());
      String down1 = "\"http://127.0.0.1:" + FreePort.get() + "\"";
      String down2 = "\"http://127.0.0.1:" + FreePort.get() + "\"";
      try (ProxyHarness p =
          start(dir, upstreams(down1 + ", " + down2 + ", \"" + consul.url() + "\"", ""))) {
        await().atMost(SOON).until(() -> backendOf(p, "shop.test").equals("200:a"));
        assertThat(consul.callCount()).isPositive();
      }
    }
  }

  @Test
  void anIndexGoingBackwardsStartsOverAndNeverSpins() throws Exception {
    try (FakeConsul consul = new FakeConsul();
        EchoBackend a = new EchoBackend("a")) {
      consul.register("shop", "shop-a", "127.0.0.1", a.port());
      try (ProxyHarness p = start(dir, upstreams("\"" + consul.url() + "\"", ""))) {
        assertThat(backendOf(p, "shop.test")).isEqualTo("200:a");
        int mark = consul.callCount();
        consul.fault(FakeConsul.Fault.INDEX_BACKWARDS);
        Thread.sleep(2000);
        int before = consul.callCount();
        Thread.sleep(2000);
        int during = consul.callCount() - before;
        // Two watches (the catalog and the service), each at most one call per 250 ms.
        assertThat(during).isLessThanOrEqualTo(2 * 9);
        // After the index went backwards, a call started over without an index.
        List<String> calls = consul.calls();
        assertThat(calls.subList(mark, calls.size()))
            .filteredOn(c -> c.contains("/v1/health/service/shop"))
            .anyMatch(c -> c.endsWith("/v1/health/service/shop?passing token=null"));
        consul.fault(FakeConsul.Fault.INDEX_ZERO);
        Thread.sleep(1000);
        int zeroBefore = consul.callCount();
        Thread.sleep(2000);
        assertThat(consul.callCount() - zeroBefore).isLessThanOrEqualTo(2 * 9);
        assertThat(backendOf(p, "shop.test")).isEqualTo("200:a");
      }
    }
  }

  @Test
  @Tag("catalogue-3")
  void aServiceFlappingAHundredTimesASecondMakesABoundedNumberOfSwaps() throws Exception {
    try (FakeConsul consul = new FakeConsul();
        EchoBackend a = new EchoBackend("a");
        EchoBackend b = new EchoBackend("b")) {
      consul.register("shop", "shop-a", "127.0.0.1", a.port());
      consul.register("shop", "shop-b", "127.0.0.1", b.port());
      try (ProxyHarness p = start(dir, upstreams("\"" + consul.url() + "\"", ""))) {
        ConfigIntake intake = p.dataplane().intake();
        long before = intake.count(Candidate.Kind.CONSUL, ConfigIntake.Result.APPLIED);
        for (int i = 0; i < 100; i++) {
          consul.status("shop", "shop-b", i % 2 == 0 ? "critical" : "passing");
          Thread.sleep(10);
        }
        Thread.sleep(1500);
        long swaps = intake.count(Candidate.Kind.CONSUL, ConfigIntake.Result.APPLIED) - before;
        // One call per 250 ms and one candidate per 100 ms: a few swaps, never a hundred.
        assertThat(swaps).isLessThanOrEqualTo(12);
        assertThat(backendsSeen(p, "shop.test", 8)).contains("200:a", "200:b");
      }
    }
  }

  @Test
  void taggedServicesRouteThemselvesAndTheFileStaysHotReloaded() throws Exception {
    try (FakeConsul consul = new FakeConsul();
        EchoBackend a = new EchoBackend("a");
        EchoBackend t = new EchoBackend("t")) {
      consul.register("shop", "shop-a", "127.0.0.1", a.port());
      try (ProxyHarness p = start(dir, upstreams("\"" + consul.url() + "\"", ""))) {
        assertThat(get(p, "tagged.test", "/api/x").statusCode()).isEqualTo(404);
        consul.register(
            "tagged",
            "tagged-1",
            "127.0.0.1",
            t.port(),
            "aralez.service=yes",
            "aralez.host=tagged.test",
            "aralez.path=/api",
            "aralez.client_header=X-From:consul",
            "aralez.something=else");
        await().atMost(SOON).until(() -> get(p, "tagged.test", "/api/x").statusCode() == 200);
        HttpResponse<String> r = get(p, "tagged.test", "/api/x");
        assertThat(r.headers().firstValue("X-Backend")).hasValue("t");
        assertThat(r.headers().firstValue("X-From")).hasValue("consul");

        // upstreams.yaml is still watched in consul mode: a global header changes at once.
        p.rewriteUpstreams(
            upstreams("\"" + consul.url() + "\"", "").replace("X-Via:aralez", "X-Via:reloaded"));
        await()
            .atMost(SOON)
            .until(
                () ->
                    get(p, "shop.test", "/")
                        .headers()
                        .firstValue("X-Via")
                        .orElse("")
                        .equals("reloaded"));
        assertThat(get(p, "tagged.test", "/api/x").statusCode()).isEqualTo(200);

        consul.deregister("tagged");
        await().atMost(SOON).until(() -> get(p, "tagged.test", "/api/x").statusCode() == 404);
      }
    }
  }
}
