package io.aralez.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.dataplane.testing.EchoBackend;
import io.aralez.dataplane.testing.ProxyHarness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every transport the proxy can run on serves the same traffic: keep-alive and a new connection per
 * request, a body upstream. io_uring is the benchmark's alternative (bench/README.md); the machines
 * this suite runs on (Linux 6.x) allow it.
 */
class TransportIT {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"io_uring", "epoll", "nio"})
  void eachTransportProxies(String transport) throws Exception {
    String before = System.getProperty("aralez.transport");
    System.setProperty("aralez.transport", transport);
    try (EchoBackend backend = new EchoBackend("t");
        ProxyHarness proxy =
            ProxyHarness.start(
                dir,
                "",
                "DEFAULT:\n  paths:\n    \"/\": {servers: [\"" + backend.address() + "\"]}\n")) {
      assertThat(proxy.dataplane().proxy().transport()).isEqualTo(transport);
      HttpClient keepAlive = HttpClient.newHttpClient();
      for (int i = 0; i < 20; i++) {
        HttpResponse<String> r =
            keepAlive.send(
                HttpRequest.newBuilder(URI.create(proxy.base() + "/k" + i))
                    .POST(HttpRequest.BodyPublishers.ofString("x".repeat(100_000)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
      }
      for (int i = 0; i < 5; i++) {
        // A fresh client: a new connection each time (accept on every loop's listener).
        HttpResponse<String> r =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(URI.create(proxy.base() + "/n" + i)).build(),
                    HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
      }
    } finally {
      if (before == null) {
        System.clearProperty("aralez.transport");
      } else {
        System.setProperty("aralez.transport", before);
      }
    }
  }
}
