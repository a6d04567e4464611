package io.aralez.dataplane.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.dataplane.config.NextUpstream;
import io.aralez.dataplane.config.UpstreamOptions;
import io.aralez.dataplane.testing.EmbeddedProxy;
import io.aralez.dataplane.testing.ProxyFixture;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * proxy-next-upstream on in-memory channels: which failures after the request went out send it to
 * the other backend, and which never do (a body already sent, a method that is not idempotent, a
 * response already started, the attempts used up).
 */
class NextUpstreamTest {
  static final String ROUTES =
      """
      app.test:
        paths:
          "/":
            servers: ["10.0.0.1:81", "10.0.0.2:82"]
      """;

  static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  static final String BAD = "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 3\r\n\r\nbad";

  EmbeddedProxy proxy = proxy(new NextUpstream(Set.of(502, 503), true, true, false, null), 3);

  static EmbeddedProxy proxy(NextUpstream next, int attempts) {
    return new EmbeddedProxy(
        ProxyFixture.of(
            ROUTES,
            r ->
                r.withUpstream(
                    new UpstreamOptions(null, null, attempts, 0, -1, null, null, next))));
  }

  @AfterEach
  void close() {
    proxy.close();
  }

  @Test
  void aListedStatusGoesToTheOtherBackend() {
    proxy.send("GET /a HTTP/1.1\r\nHost: app.test\r\n\r\n");
    proxy.reply(0, BAD);
    assertThat(proxy.upstreams).hasSize(2);
    assertThat(proxy.sentUpstream(1)).startsWith("GET /a HTTP/1.1");
    assertThat(proxy.upstreams.get(0).isOpen()).as("the refused answer's connection").isFalse();
    proxy.reply(1, OK);
    assertThat(proxy.received()).startsWith("HTTP/1.1 200 OK").endsWith("ok");
    assertThat(proxy.fixture.metrics.scrape()).contains("aralez_upstream_retries_total 1.0");
  }

  @Test
  void theLastAttemptsAnswerIsRelayedAsItIs() {
    proxy.close();
    proxy = proxy(new NextUpstream(Set.of(502), false, false, false, null), 2);
    proxy.send("GET /a HTTP/1.1\r\nHost: app.test\r\n\r\n");
    proxy.reply(0, BAD);
    proxy.reply(1, BAD);
    assertThat(proxy.upstreams).hasSize(2);
    assertThat(proxy.received()).startsWith("HTTP/1.1 502 Bad Gateway").endsWith("bad");
  }

  @Test
  void aPostIsNotSentTwiceUnlessNonIdempotentIsListed() {
    proxy.send("POST /a HTTP/1.1\r\nHost: app.test\r\nContent-Length: 0\r\n\r\n");
    proxy.reply(0, BAD);
    assertThat(proxy.upstreams).hasSize(1);
    assertThat(proxy.received()).startsWith("HTTP/1.1 502 Bad Gateway");
    proxy.close();
    proxy = proxy(new NextUpstream(Set.of(502), false, false, true, null), 3);
    proxy.send("POST /a HTTP/1.1\r\nHost: app.test\r\nContent-Length: 0\r\n\r\n");
    proxy.reply(0, BAD);
    assertThat(proxy.upstreams).hasSize(2);
  }

  @Test
  void aRequestWhoseBodyWentOutIsNeverSentAgain() {
    proxy.close();
    proxy = proxy(new NextUpstream(Set.of(502), true, true, true, null), 3);
    proxy.send("PUT /a HTTP/1.1\r\nHost: app.test\r\nContent-Length: 4\r\n\r\nbody");
    assertThat(proxy.sentUpstream(0)).endsWith("body");
    proxy.reply(0, BAD);
    assertThat(proxy.upstreams).hasSize(1);
    assertThat(proxy.received()).startsWith("HTTP/1.1 502 Bad Gateway");
  }

  @Test
  void aSilentBackendIsLeftForTheOtherAfterTheReadTimeout() {
    proxy.send("GET /slow HTTP/1.1\r\nHost: app.test\r\n\r\n");
    proxy.advance(Duration.ofSeconds(61));
    assertThat(proxy.upstreams).hasSize(2);
    assertThat(proxy.sentUpstream(1)).startsWith("GET /slow ");
    proxy.reply(1, OK);
    assertThat(proxy.received()).startsWith("HTTP/1.1 200 OK");
  }

  @Test
  void aConnectionResetBeforeTheAnswerGoesToTheOther() {
    proxy.send("GET /a HTTP/1.1\r\nHost: app.test\r\n\r\n");
    proxy.closeUpstream(0);
    assertThat(proxy.upstreams).hasSize(2);
    proxy.reply(1, OK);
    assertThat(proxy.received()).startsWith("HTTP/1.1 200 OK");
  }

  @Test
  void withoutTheRulesAFailureIsAnsweredAtOnce() {
    proxy.close();
    proxy = proxy(null, 3);
    proxy.send("GET /a HTTP/1.1\r\nHost: app.test\r\n\r\n");
    proxy.reply(0, BAD);
    assertThat(proxy.upstreams).hasSize(1);
    assertThat(proxy.received()).startsWith("HTTP/1.1 502 Bad Gateway").endsWith("bad");
  }
}
