package io.aralez.dataplane.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.dataplane.config.HostPort;
import io.aralez.dataplane.config.UpstreamOptions;
import io.aralez.dataplane.net.DispatchClock;
import io.aralez.dataplane.testing.EmbeddedProxy;
import io.aralez.dataplane.testing.ProxyFixture;
import io.aralez.dataplane.upstream.LatencyScore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An EWMA route measures its backends through real exchanges: a request counts in flight at its
 * backend until the response head, and a failure weighs at least a second.
 */
class EwmaExchangeTest {
  static final String ROUTES =
      """
      app.test:
        paths:
          "/":
            servers: ["10.0.0.1:81"]
      """;

  final EmbeddedProxy proxy =
      new EmbeddedProxy(
          ProxyFixture.of(
              ROUTES,
              r ->
                  r.withUpstream(
                      new UpstreamOptions(null, null, 1, 0, -1, null, null, null, true))));

  @AfterEach
  void close() {
    proxy.close();
  }

  LatencyScore score() {
    return proxy.fixture.holder.backends().get(HostPort.parse("10.0.0.1:81")).latency();
  }

  @Test
  void aRequestIsInFlightUntilItsResponseHeadAndThenScored() {
    proxy.send("GET /a HTTP/1.1\r\nHost: app.test\r\n\r\n");
    assertThat(score().inFlight()).isEqualTo(1);
    proxy.reply(0, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    assertThat(proxy.received()).startsWith("HTTP/1.1 200 OK");
    assertThat(score().inFlight()).isZero();
    assertThat(score().score(DispatchClock.now())).isPositive().isLessThan(1e9);
  }

  @Test
  void aFailedExchangeCountsAsAtLeastASecond() {
    proxy.send("GET /a HTTP/1.1\r\nHost: app.test\r\n\r\n");
    proxy.closeUpstream(0);
    assertThat(proxy.received()).startsWith("HTTP/1.1 502");
    assertThat(score().inFlight()).isZero();
    assertThat(score().score(DispatchClock.now())).isGreaterThan(0.9e9);
  }
}
