package io.aralez.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aralez.dataplane.testing.EchoBackend;
import io.aralez.dataplane.testing.ProxyHarness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The start-up warm-up ({@code warm_up_connections}, server/ConnectionWarmUp): the plain listener
 * gets that many loopback connections, on the loopback address when it listens on a wildcard one,
 * and none of them becomes a request — no backend, no request metric, no rejection sees them — nor
 * stays open.
 */
class ConnectionWarmUpIT {
  private static final Pattern REQUESTS =
      Pattern.compile("(?m)^aralez_requests_total\\{[^}]*} (\\S+)$");

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "0.0.0.0", "[::]"})
  void loopbackConnectionsThatNoRequestSees(String listen) throws Exception {
    try (EchoBackend backend = new EchoBackend("w");
        ProxyHarness proxy =
            ProxyHarness.start(
                dir, listen, "warm_up_connections: 300\naccess_log: all\n", upstreams(backend))) {
      int made = proxy.dataplane().proxy().warmUp().get(120, TimeUnit.SECONDS);
      assertThat(made).isEqualTo(300);
      String metrics = proxy.dataplane().metrics().scrape();
      assertThat(requests(metrics)).isZero();
      assertThat(metrics).doesNotContain("aralez_rejections_total");
      assertThat(backend.count()).isZero();
      // Every one closed (the proxy's side goes a moment after the client saw its close).
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(proxy.dataplane().proxy().clientConnections()).isEmpty());

      assertThat(statusAfter(proxy)).isEqualTo(200);
      assertThat(backend.count()).isEqualTo(1);
      assertThat(requests(proxy.dataplane().metrics().scrape())).isEqualTo(1);
    }
  }

  /**
   * With room for one client, the warm-up's connections (one at a time, the resets not waiting for
   * the proxy's close) take no place: none is refused, and a client is served right after.
   */
  @Test
  void theWarmUpTakesNoPlaceUnderACap() throws Exception {
    try (EchoBackend backend = new EchoBackend("w");
        ProxyHarness proxy =
            ProxyHarness.start(
                dir, "max_client_connections: 1\nwarm_up_connections: 300\n", upstreams(backend))) {
      assertThat(proxy.dataplane().proxy().warmUp().get(120, TimeUnit.SECONDS)).isEqualTo(300);
      assertThat(proxy.dataplane().metrics().scrape()).doesNotContain("aralez_rejections_total");
      assertThat(statusAfter(proxy)).isEqualTo(200);
    }
  }

  @Test
  void zeroTurnsItOff() throws Exception {
    try (EchoBackend backend = new EchoBackend("w");
        ProxyHarness proxy =
            ProxyHarness.start(dir, "warm_up_connections: 0\n", upstreams(backend))) {
      assertThat(proxy.dataplane().proxy().warmUp().get(10, TimeUnit.SECONDS)).isZero();
    }
  }

  /** A client's request once the warm-up is over. */
  private static int statusAfter(ProxyHarness proxy) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(proxy.base() + "/after")).build(),
            HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }

  private static String upstreams(EchoBackend backend) {
    return "DEFAULT:\n  paths:\n    \"/\":\n      servers: [\"" + backend.address() + "\"]\n";
  }

  /** The answered requests the metrics count, all labels together. */
  private static double requests(String metrics) {
    Matcher m = REQUESTS.matcher(metrics);
    double sum = 0;
    while (m.find()) {
      sum += Double.parseDouble(m.group(1));
    }
    return sum;
  }
}
