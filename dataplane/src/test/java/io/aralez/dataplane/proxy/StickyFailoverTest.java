package io.aralez.dataplane.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.dataplane.config.CookieShape;
import io.aralez.dataplane.config.ProxyConfig.StickySessions;
import io.aralez.dataplane.routing.RouteEntry;
import io.aralez.dataplane.testing.EmbeddedProxy;
import io.aralez.dataplane.testing.ProxyFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * ingress-nginx's session-cookie-change-on-failure on in-memory channels: a request whose cookie's
 * backend refuses the connection is served by the other one, and keeps or changes its cookie.
 */
class StickyFailoverTest {
  static final String ROUTES =
      """
      app.test:
        paths:
          "/":
            servers: ["10.0.0.1:81", "10.0.0.2:82"]
      """;

  static final CookieShape SHAPE = new CookieShape("INGRESSCOOKIE", "/", null, null, null, null);

  EmbeddedProxy proxy;

  EmbeddedProxy proxy(boolean keepOnFailure) {
    return new EmbeddedProxy(
        ProxyFixture.of(
            ROUTES, r -> r.withSticky(new StickySessions(true, null, SHAPE, keepOnFailure))));
  }

  @AfterEach
  void close() {
    proxy.close();
  }

  /** Sends a request pinned to the backend on port 81 while that port refuses connections. */
  String failedOver() {
    RouteEntry entry = proxy.fixture.config().router().route("app.test", "/");
    int first = entry.backend(0).address().port() == 81 ? 0 : 1;
    proxy.refused.add(81);
    proxy.send(
        "GET / HTTP/1.1\r\nHost: app.test\r\nCookie: INGRESSCOOKIE="
            + entry.stickyId(first)
            + "\r\n\r\n");
    proxy.reply(0, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    String got = proxy.received();
    assertThat(got).startsWith("HTTP/1.1 200 OK");
    return got;
  }

  @Test
  void byDefaultTheCookieStaysWithTheBackendThatFailed() {
    proxy = proxy(true);
    assertThat(failedOver()).doesNotContainIgnoringCase("set-cookie");
  }

  @Test
  void changeOnFailureReissuesItForTheBackendThatAnswered() {
    proxy = proxy(false);
    RouteEntry entry = proxy.fixture.config().router().route("app.test", "/");
    String other = entry.stickyId(entry.backend(0).address().port() == 82 ? 0 : 1);
    assertThat(failedOver()).contains("INGRESSCOOKIE=" + other);
  }

  /** affinity-canary-behavior: legacy, the backend on port 82 standing for the canary. */
  @Test
  void aBackendWithoutAffinityNeitherSetsNorHonoursTheCookie() {
    proxy =
        new EmbeddedProxy(
            ProxyFixture.of(
                ROUTES,
                r ->
                    r.withSticky(new StickySessions(true, null, SHAPE, true))
                        .withBackends(
                            r.backends().stream()
                                .map(
                                    b ->
                                        new io.aralez.dataplane.config.ProxyConfig.Backend(
                                            b.address(), b.weight(), b.address().port() == 82))
                                .toList())));
    RouteEntry entry = proxy.fixture.config().router().route("app.test", "/");
    int canary = entry.backend(0).address().port() == 82 ? 0 : 1;
    assertThat(entry.stickyId(canary)).isNull();
    assertThat(entry.stickyId(1 - canary)).isNotNull();
    assertThat(entry.bySticky(entry.stickyId(1 - canary))).isEqualTo(1 - canary);
    // Refused by the main backend, answered by the canary: no cookie for the canary.
    proxy.refused.add(81);
    proxy.send("GET / HTTP/1.1\r\nHost: app.test\r\n\r\n");
    proxy.reply(0, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    String got = proxy.received();
    assertThat(got).startsWith("HTTP/1.1 200 OK").doesNotContainIgnoringCase("set-cookie");
  }

  @Test
  void aCookieNamingNoListedBackendIsReplacedEitherWay() {
    proxy = proxy(true);
    proxy.send("GET / HTTP/1.1\r\nHost: app.test\r\nCookie: INGRESSCOOKIE=gone\r\n\r\n");
    proxy.reply(0, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    assertThat(proxy.received()).contains("INGRESSCOOKIE=");
  }
}
