package io.aralez.dataplane.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.dataplane.config.RouteRules;
import io.aralez.dataplane.testing.EmbeddedProxy;
import io.aralez.dataplane.testing.ProxyFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * mirror-* on in-memory channels: the copy's target, headers and body, and that the copy never
 * holds up or changes the request itself.
 */
class MirrorTest {
  static final String ROUTES =
      """
      app.test:
        paths:
          "/":
            servers: ["10.0.0.1:81"]
      """;

  static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

  EmbeddedProxy proxy = proxy(true);

  static EmbeddedProxy proxy(boolean body) {
    return new EmbeddedProxy(
        ProxyFixture.of(
            ROUTES,
            r ->
                r.withRules(
                    RouteRules.NONE.withMirror(
                        new RouteRules.Mirror(
                            "http://mirror.test:8080/copy$request_uri", "shadow.test", body)))));
  }

  @AfterEach
  void close() {
    proxy.close();
  }

  @Test
  void aRequestWithoutBodyIsCopiedAtOnce() {
    proxy.send("GET /a?b=1 HTTP/1.1\r\nHost: app.test\r\nX-User: ann\r\n\r\n");
    assertThat(proxy.upstreams).hasSize(2);
    // The copy goes out as the request is read (connection 0), the request itself next.
    String copy = proxy.sentUpstream(0);
    assertThat(copy).startsWith("GET /copy/a?b=1 HTTP/1.1\r\n");
    assertThat(copy.toLowerCase()).contains("host: shadow.test").contains("x-user: ann");
    assertThat(proxy.sentUpstream(1)).startsWith("GET /a?b=1 HTTP/1.1\r\n");
    proxy.reply(1, OK);
    assertThat(proxy.received()).startsWith("HTTP/1.1 200 OK").endsWith("ok");
    assertThat(proxy.fixture.metrics.scrape())
        .contains("aralez_mirror_requests_total{result=\"sent\"} 1.0");
  }

  @Test
  void theBodyIsCopiedOnceItIsComplete() {
    proxy.send("POST /up HTTP/1.1\r\nHost: app.test\r\nContent-Length: 10\r\n\r\nhello");
    assertThat(proxy.upstreams).as("the copy waits for the whole body").hasSize(1);
    assertThat(proxy.sentUpstream(0)).startsWith("POST /up ").endsWith("hello");
    proxy.send("world");
    assertThat(proxy.upstreams).hasSize(2);
    String copy = proxy.sentUpstream(1);
    assertThat(copy).startsWith("POST /copy/up HTTP/1.1\r\n").endsWith("helloworld");
    assertThat(copy.toLowerCase()).contains("content-length: 10");
    assertThat(proxy.sentUpstream(0)).isEqualTo("world");
    proxy.reply(0, OK);
    assertThat(proxy.received()).startsWith("HTTP/1.1 200 OK");
  }

  @Test
  void aBodyOverTheLimitIsNotCopiedAndTheRequestGoesOn() {
    int size = MirrorCall.MAX_BODY + 1;
    proxy.send("POST /big HTTP/1.1\r\nHost: app.test\r\nContent-Length: " + size + "\r\n\r\n");
    proxy.send("x".repeat(size));
    assertThat(proxy.upstreams).as("no copy").hasSize(1);
    assertThat(proxy.sentUpstream(0)).endsWith("x".repeat(size));
    proxy.reply(0, OK);
    assertThat(proxy.received()).startsWith("HTTP/1.1 200 OK");
    assertThat(proxy.fixture.metrics.scrape())
        .contains("aralez_mirror_requests_total{result=\"skipped_body_too_large\"} 1.0");
  }

  @Test
  void withoutTheBodyTheCopyGoesAtOnce() {
    proxy.close();
    proxy = proxy(false);
    proxy.send("POST /up HTTP/1.1\r\nHost: app.test\r\nContent-Length: 5\r\n\r\nhello");
    assertThat(proxy.upstreams).hasSize(2);
    String copy = proxy.sentUpstream(0);
    assertThat(copy).startsWith("POST /copy/up HTTP/1.1\r\n").doesNotContain("hello");
    assertThat(copy.toLowerCase()).contains("content-length: 0\r\n");
    assertThat(proxy.sentUpstream(1)).endsWith("hello");
  }

  @Test
  void aCopyThatIsNeverAnsweredDoesNotHoldUpTheRequest() {
    proxy.send("GET /a HTTP/1.1\r\nHost: app.test\r\n\r\n");
    proxy.reply(1, OK);
    assertThat(proxy.received()).startsWith("HTTP/1.1 200 OK");
    proxy.send("GET /b HTTP/1.1\r\nHost: app.test\r\n\r\n");
    assertThat(proxy.sentUpstream(1)).contains("GET /b ");
  }
}
