package io.aralez.dataplane.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.dataplane.config.HostPort;
import io.aralez.dataplane.config.ProxyConfig;
import io.aralez.dataplane.config.RouteRules;
import io.aralez.dataplane.testing.EmbeddedProxy;
import io.aralez.dataplane.testing.ProxyFixture;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * custom-http-errors on in-memory channels: which upstream answers are replaced, what the error
 * backend is asked, what the client gets, and what happens when the error backend fails.
 */
class ErrorPageTest {
  static final String ROUTES =
      """
      pages.test:
        paths:
          "/":
            servers: ["10.0.0.1:81"]
      """;

  static final String PAGE =
      "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: x-secret\r\nX-Page: 7\r\n"
          + "Content-Length: 9\r\n\r\n"
          + "<p>oops</p>".substring(0, 9);

  final EmbeddedProxy proxy =
      new EmbeddedProxy(
          ProxyFixture.of(
              ROUTES,
              r ->
                  r.withRules(
                      RouteRules.NONE.withErrorPages(
                          new RouteRules.ErrorPages(
                              Set.of(404, 503),
                              List.of(new ProxyConfig.Backend(HostPort.parse("10.0.0.9:90"))),
                              List.of(
                                  new ProxyConfig.Header("X-Namespace", "shop"),
                                  new ProxyConfig.Header("X-Service-Name", "web")))))));

  @AfterEach
  void close() {
    proxy.close();
  }

  @Test
  void aListedStatusIsAnsweredByTheErrorBackend() {
    proxy.send(
        "GET /missing/page?q=1 HTTP/1.1\r\nHost: pages.test\r\nAccept: text/html\r\n"
            + "X-Request-ID: abc123\r\n\r\n");
    proxy.reply(0, "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found");
    assertThat(proxy.upstreams).hasSize(2);
    String asked = proxy.sentUpstream(1);
    assertThat(asked).startsWith("GET /?q=1 HTTP/1.1\r\n");
    assertThat(asked.toLowerCase())
        .contains("host: pages.test\r\n")
        .contains("x-code: 404\r\n")
        .contains("x-format: text/html\r\n")
        .contains("x-original-uri: /missing/page?q=1\r\n")
        .contains("x-request-id: abc123\r\n")
        .contains("x-namespace: shop\r\n")
        .contains("x-service-name: web\r\n");
    assertThat(proxy.upstreams.get(0).isOpen())
        .as("the replaced answer's body was never read: its connection cannot be reused")
        .isFalse();
    proxy.reply(1, PAGE);
    String res = proxy.received();
    assertThat(res).startsWith("HTTP/1.1 200 OK\r\n").endsWith("<p>oops</");
    assertThat(res.toLowerCase())
        .contains("content-type: text/html")
        .contains("x-page: 7")
        .contains("content-length: 9")
        .doesNotContain("x-secret")
        .doesNotContain("not found");
    assertThat(proxy.client.isOpen()).isTrue();
    assertThat(proxy.fixture.metrics.scrape())
        .contains("aralez_error_pages_total{code=\"404\"} 1.0");
  }

  @Test
  void otherStatusesAreRelayedAsTheyCame() {
    proxy.send("GET /x HTTP/1.1\r\nHost: pages.test\r\n\r\n");
    proxy.reply(0, "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\nboom");
    assertThat(proxy.received()).startsWith("HTTP/1.1 500 ").endsWith("boom");
    assertThat(proxy.upstreams).hasSize(1);
  }

  @Test
  void anErrorBackendThatDoesNotAnswerLeavesThePlainStatus() {
    proxy.send("HEAD /x HTTP/1.1\r\nHost: pages.test\r\n\r\n");
    proxy.reply(0, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
    assertThat(proxy.sentUpstream(1)).startsWith("HEAD / HTTP/1.1\r\n");
    proxy.advance(Duration.ofSeconds(61));
    assertThat(proxy.received()).startsWith("HTTP/1.1 503 Service Unavailable\r\n");
    assertThat(proxy.upstreams.get(1).isOpen()).isFalse();
  }

  @Test
  void anErrorBackendThatBreaksLeavesThePlainStatus() {
    proxy.send("GET /x HTTP/1.1\r\nHost: pages.test\r\n\r\n");
    proxy.reply(0, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    proxy.reply(1, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial");
    proxy.closeUpstream(1);
    assertThat(proxy.received()).startsWith("HTTP/1.1 404 Not Found\r\n");
    assertThat(proxy.client.isOpen()).isTrue();
  }

  @Test
  void aRequestBodyStillComingClosesTheConnectionAfterTheErrorPage() {
    proxy.send("POST /x HTTP/1.1\r\nHost: pages.test\r\nContent-Length: 100\r\n\r\nfirst part");
    proxy.reply(0, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    proxy.send("more body that nobody forwards");
    assertThat(proxy.sentUpstream(1)).startsWith("GET / HTTP/1.1\r\n").doesNotContain("more");
    proxy.reply(1, PAGE);
    assertThat(proxy.received()).startsWith("HTTP/1.1 200 OK\r\n");
    assertThat(proxy.client.isOpen()).as("the rest of the body cannot be skipped").isFalse();
  }

  @Test
  void theClientLeavingDuringTheErrorFetchReleasesEverything() {
    proxy.send("GET /x HTTP/1.1\r\nHost: pages.test\r\n\r\n");
    proxy.reply(0, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    proxy.client.close();
    proxy.reply(1, PAGE);
    assertThat(proxy.received()).isEmpty();
  }
}
