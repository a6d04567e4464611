package io.aralez.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aralez.dataplane.testing.EchoBackend;
import io.aralez.dataplane.testing.ProxyHarness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hot reload of upstreams.yaml while traffic flows. */
class ReloadIT {
  @TempDir Path dir;

  static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  static String config(String backend, String marker) {
    return """
        provider: file
        client_headers: ["X-Config:%s"]
        upstreams:
          reload.test:
            paths:
              "/":
                servers: ["%s"]
        """
        .formatted(marker, backend);
  }

  static HttpResponse<String> get(ProxyHarness p, String host, String path) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create(p.base() + path))
            .header("Host", host)
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @Tag("catalogue-3")
  void fiftyRewritesUnderLoadLoseNoRequest() throws Exception {
    try (EchoBackend a = new EchoBackend("a");
        EchoBackend b = new EchoBackend("b");
        ProxyHarness proxy = ProxyHarness.start(dir, "", config(a.address(), "v0"))) {
      AtomicBoolean running = new AtomicBoolean(true);
      AtomicInteger ok = new AtomicInteger();
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      List<CompletableFuture<Void>> clients = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        clients.add(
            CompletableFuture.runAsync(
                () -> {
                  while (running.get()) {
                    try {
                      HttpResponse<String> r = get(proxy, "reload.test", "/load");
                      if (r.statusCode() == 200) {
                        ok.incrementAndGet();
                      } else {
                        failures.add("status " + r.statusCode());
                      }
                    } catch (Exception e) {
                      failures.add(e.toString());
                    }
                  }
                }));
      }
      long applied = proxy.dataplane().intake().appliedCount();
      for (int i = 1; i <= 50; i++) {
        proxy.rewriteUpstreams(config(i % 2 == 0 ? a.address() : b.address(), "v" + i));
        long want = applied + i;
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> proxy.dataplane().intake().appliedCount() >= want);
      }
      running.set(false);
      CompletableFuture.allOf(clients.toArray(CompletableFuture<?>[]::new)).join();
      assertThat(failures).isEmpty();
      assertThat(ok.get()).isGreaterThan(100);
      assertThat(get(proxy, "reload.test", "/").headers().firstValue("X-Config")).hasValue("v50");
      assertThat(a.count()).isPositive();
      assertThat(b.count()).isPositive();
    }
  }

  @Test
  @Tag("catalogue-2.13")
  void invalidFileKeepsTheLastGoodConfig() throws Exception {
    try (EchoBackend a = new EchoBackend("a");
        ProxyHarness proxy = ProxyHarness.start(dir, "", config(a.address(), "good"))) {
      long rejected = proxy.dataplane().intake().rejectedCount();
      proxy.rewriteUpstreams("provider: file\nupstreams:\n  reload.test:\n    paths: [unclosed\n");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> proxy.dataplane().intake().rejectedCount() > rejected);
      assertThat(proxy.dataplane().intake().lastError())
          .contains("upstreams.yaml:5")
          .contains("line 4");
      HttpResponse<String> r = get(proxy, "reload.test", "/");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("X-Config")).hasValue("good");

      // An emptied file (": > upstreams.yaml") is refused too: it would turn every host into 404.
      long beforeEmpty = proxy.dataplane().intake().rejectedCount();
      proxy.rewriteUpstreams("");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> proxy.dataplane().intake().rejectedCount() > beforeEmpty);
      assertThat(proxy.dataplane().intake().lastError()).contains("no hosts are configured");
      assertThat(get(proxy, "reload.test", "/").headers().firstValue("X-Config")).hasValue("good");

      // A semantically invalid file (bad server address) is refused just the same.
      proxy.rewriteUpstreams(config("not-an-address", "bad"));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> proxy.dataplane().intake().rejectedCount() > beforeEmpty + 1);
      assertThat(get(proxy, "reload.test", "/").headers().firstValue("X-Config")).hasValue("good");

      proxy.rewriteUpstreams(config(a.address(), "fixed"));
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(get(proxy, "reload.test", "/").headers().firstValue("X-Config"))
                      .hasValue("fixed"));
    }
  }

  @Test
  @Tag("catalogue-2.13")
  void inFlightRequestFinishesOnTheConfigItStartedWith() throws Exception {
    try (EchoBackend a = new EchoBackend("a");
        ProxyHarness proxy = ProxyHarness.start(dir, "", config(a.address(), "old"))) {
      CompletableFuture<HttpResponse<String>> slow =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return get(proxy, "reload.test", "/sleep/1500");
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              });
      await().atMost(Duration.ofSeconds(5)).until(() -> a.count() >= 1);
      long applied = proxy.dataplane().intake().appliedCount();
      proxy.rewriteUpstreams(
          "provider: file\nupstreams:\n  other.test:\n    paths:\n      \"/\":\n        servers: [\"127.0.0.1:1\"]\n");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> proxy.dataplane().intake().appliedCount() > applied);
      assertThat(get(proxy, "reload.test", "/").statusCode()).isEqualTo(404);
      HttpResponse<String> r = slow.get();
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("X-Config")).hasValue("old");
    }
  }

  @Test
  void confDSplitFilesAreLoadedAndWatched() throws Exception {
    try (EchoBackend a = new EchoBackend("a");
        EchoBackend b = new EchoBackend("b")) {
      Files.createDirectories(dir.resolve("conf.d"));
      Files.writeString(
          dir.resolve("conf.d/10-split.yaml"),
          "split.test:\n  paths:\n    \"/\":\n      servers: [\"" + a.address() + "\"]\n");
      try (ProxyHarness proxy = ProxyHarness.start(dir, "", config(a.address(), "main"))) {
        assertThat(get(proxy, "split.test", "/").body()).contains("backend=a");
        Files.writeString(
            dir.resolve("conf.d/20-more.yaml"),
            "more.test:\n  paths:\n    \"/\":\n      servers: [\"" + b.address() + "\"]\n");
        await()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(
                () -> assertThat(get(proxy, "more.test", "/").body()).contains("backend=b"));
      }
    }
  }
}
