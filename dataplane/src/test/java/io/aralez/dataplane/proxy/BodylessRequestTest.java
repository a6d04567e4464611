package io.aralez.dataplane.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.dataplane.testing.EmbeddedProxy;
import io.aralez.dataplane.testing.ProxyFixture;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A request whose head says it has no body goes upstream as one message with its end: one buffer on
 * the upstream connection, nothing queued for the client's empty end; a request with a body is
 * written head, then body, as before; a bodyless request replayed on a fresh connection goes whole
 * again.
 */
class BodylessRequestTest {
  private final EmbeddedProxy proxy = new EmbeddedProxy(ProxyFixture.of(ExchangeTest.ROUTES));

  @AfterEach
  void close() {
    proxy.close();
  }

  /** The buffers the upstream connection was given, each as text (empty ones included). */
  private static List<String> writes(EmbeddedChannel up) {
    List<String> out = new ArrayList<>();
    Object o;
    while ((o = up.readOutbound()) != null) {
      ByteBuf b = (ByteBuf) o;
      out.add(b.toString(StandardCharsets.ISO_8859_1));
      b.release();
    }
    return out;
  }

  /** Sends {@code request}; what the first upstream connection got, checked to be one write. */
  private String oneWriteUpstream(String request) {
    proxy.send(request);
    List<String> sent = writes(proxy.upstreams.get(0));
    assertThat(sent).hasSize(1);
    return sent.get(0);
  }

  /** The first upstream connection answers; the client gets the answer. */
  private String answered() {
    proxy.reply(0, ExchangeTest.OK);
    String received = proxy.received();
    assertThat(received).endsWith("hello");
    return received;
  }

  @Test
  void aBodylessRequestIsOneWriteUpstream() {
    assertThat(oneWriteUpstream("GET /one HTTP/1.1\r\nHost: one.test\r\n\r\n"))
        .startsWith("GET /one HTTP/1.1\r\n")
        .endsWith("\r\n\r\n");
    answered();

    // The same pooled connection, the next request: its encoder took the first one's end.
    assertThat(oneWriteUpstream("GET /two HTTP/1.1\r\nHost: one.test\r\n\r\n"))
        .startsWith("GET /two HTTP/1.1\r\n");
    assertThat(proxy.upstreams).hasSize(1);
    answered();
  }

  @Test
  void aRequestWithContentLengthZeroIsOneWriteUpstream() {
    assertThat(
            oneWriteUpstream("POST /empty HTTP/1.1\r\nHost: one.test\r\nContent-Length: 0\r\n\r\n"))
        .startsWith("POST /empty HTTP/1.1\r\n")
        .containsIgnoringCase("content-length: 0\r\n")
        .endsWith("\r\n\r\n");
    assertThat(answered()).startsWith("HTTP/1.1 200 OK");
    // The connection goes on with the next request: the client's empty end was taken.
    assertThat(oneWriteUpstream("GET /next HTTP/1.1\r\nHost: one.test\r\n\r\n"))
        .startsWith("GET /next");
    answered();
  }

  @Test
  void aRequestWithABodyIsWrittenHeadThenBody() {
    proxy.send("POST /p HTTP/1.1\r\nHost: one.test\r\nContent-Length: 3\r\n\r\nabc");
    List<String> sent = writes(proxy.upstreams.get(0));
    assertThat(String.join("", sent))
        .startsWith("POST /p HTTP/1.1\r\n")
        .contains("content-length: 3\r\n")
        .endsWith("\r\n\r\nabc");
    assertThat(sent).hasSizeGreaterThan(1);
    proxy.reply(0, ExchangeTest.OK);
    assertThat(proxy.received()).endsWith("hello");
  }

  @Test
  void aBodylessRequestReplayedOnAFreshConnectionGoesWholeOnce() {
    proxy.send("GET /one HTTP/1.1\r\nHost: one.test\r\n\r\n");
    writes(proxy.upstreams.get(0));
    proxy.reply(0, ExchangeTest.OK);
    proxy.received();
    proxy.send("GET /two HTTP/1.1\r\nHost: one.test\r\n\r\n");
    writes(proxy.upstreams.get(0));
    // The server had closed the pooled connection: nothing was processed, the request goes again.
    proxy.closeUpstream(0);
    assertThat(proxy.upstreams).hasSize(2);
    List<String> again = writes(proxy.upstreams.get(1));
    assertThat(again).hasSize(1);
    assertThat(again.get(0)).startsWith("GET /two HTTP/1.1\r\n").endsWith("\r\n\r\n");
    proxy.reply(1, ExchangeTest.OK);
    assertThat(proxy.received()).startsWith("HTTP/1.1 200 OK").endsWith("hello");
  }
}
