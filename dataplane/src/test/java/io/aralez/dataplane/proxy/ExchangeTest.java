package io.aralez.dataplane.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.dataplane.testing.EmbeddedProxy;
import io.aralez.dataplane.testing.ProxyFixture;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The exchange between a client connection and an upstream connection, byte for byte, on in-memory
 * channels: what goes upstream, what comes back, what happens on failure and on stalls.
 */
class ExchangeTest {
  static final String ROUTES =
      """
      app.test:
        paths:
          "/":
            servers: ["10.0.0.1:81", "10.0.0.2:82"]
      one.test:
        paths:
          "/":
            servers: ["10.0.0.1:81"]
      """;

  static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";

  final EmbeddedProxy proxy = new EmbeddedProxy(ProxyFixture.of(ROUTES));

  @AfterEach
  void close() {
    proxy.close();
  }

  @Test
  void aRequestIsRewrittenForTheUpstreamAndTheResponseRelayed() {
    proxy.send(
        "GET /a?b=1 HTTP/1.1\r\nHost: one.test\r\nConnection: keep-alive, x-secret\r\n"
            + "X-Secret: drop-me\r\nX-Forwarded-For: 6.6.6.6\r\nX_Forwarded_For: 7.7.7.7\r\n"
            + "X-Real-IP: 6.6.6.6\r\nForwarded: for=6.6.6.6\r\nX-Forwarded-Port: 1\r\n"
            + "X-Original-URL: /admin\r\nTrue-Client-IP: 6.6.6.6\r\n\r\n");
    String up = proxy.sentUpstream(0);
    assertThat(up).startsWith("GET /a?b=1 HTTP/1.1\r\n");
    assertThat(up.toLowerCase())
        .contains("host: one.test")
        .contains("x-forwarded-for: 198.51.100.7\r\n")
        .contains("x-forwarded-proto: http")
        .contains("x-real-ip: 198.51.100.7\r\n")
        .doesNotContain("forwarded: for=")
        .doesNotContain("x-forwarded-port")
        .doesNotContain("x-original-url")
        .doesNotContain("true-client-ip")
        .doesNotContain("x-secret")
        .doesNotContain("x_forwarded_for")
        .doesNotContain("6.6.6.6");
    proxy.reply(0, OK);
    String res = proxy.received();
    assertThat(res).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\nhello");
    assertThat(proxy.client.isOpen()).isTrue();
  }

  @Test
  void anHttp1ClientsXHttp2FieldsAreOrdinaryFields() {
    // The HTTP/2 scheme is state of an HTTP/2 stream, never read from a field: an HTTP/1.1 client
    // naming one is neither refused nor able to change how its request is read.
    proxy.send(
        "GET / HTTP/1.1\r\nHost: one.test\r\nx-http2-scheme: javascript\r\n"
            + "x-http2-stream-id: 7\r\n\r\n");
    assertThat(proxy.sentUpstream(0).toLowerCase())
        .startsWith("get / http/1.1\r\n")
        .contains("x-http2-scheme: javascript\r\n")
        .contains("x-http2-stream-id: 7\r\n");
    proxy.reply(0, OK);
    assertThat(proxy.received()).startsWith("HTTP/1.1 200 OK\r\n");
  }

  @Test
  void aClientThatSaidCloseIsClosedAfterItsResponse() {
    // The client's Connection header is read before the head is rewritten for the upstream (which
    // drops it): the answer must still end the connection.
    proxy.send("GET /a HTTP/1.1\r\nHost: one.test\r\nConnection: close\r\n\r\n");
    assertThat(proxy.sentUpstream(0).toLowerCase()).doesNotContain("connection: close");
    proxy.reply(0, OK);
    assertThat(proxy.received()).contains("onnection: close").endsWith("hello");
    assertThat(proxy.client.isOpen()).isFalse();
    proxy.close();
    EmbeddedProxy old = new EmbeddedProxy(ProxyFixture.of(ROUTES));
    old.send("GET /a HTTP/1.0\r\nHost: one.test\r\n\r\n");
    old.reply(0, OK);
    assertThat(old.received()).endsWith("hello");
    assertThat(old.client.isOpen()).as("HTTP/1.0 without keep-alive").isFalse();
    old.close();
  }

  @Test
  @Tag("catalogue-2.1")
  void pipelinedRequestsAreAnsweredInOrderOnOneUpstreamConnection() {
    proxy.send(
        "GET /1 HTTP/1.1\r\nHost: one.test\r\n\r\nGET /2 HTTP/1.1\r\nHost: one.test\r\n\r\n");
    assertThat(proxy.sentUpstream(0)).startsWith("GET /1 ").doesNotContain("GET /2");
    proxy.reply(0, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none");
    assertThat(proxy.received()).endsWith("one");
    // The second request goes out only now, on the pooled connection.
    assertThat(proxy.sentUpstream(0)).startsWith("GET /2 ");
    proxy.reply(0, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ntwo");
    assertThat(proxy.received()).endsWith("two");
    assertThat(proxy.upstreams).hasSize(1);
  }

  @Test
  @Tag("catalogue-2.1")
  void aChunkedBodyStreamsUpstreamAndItsTrailersAreDropped() {
    proxy.send(
        "POST /up HTTP/1.1\r\nHost: one.test\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5\r\nhello\r\n");
    proxy.send("0\r\nX-Injected: 1\r\n\r\n");
    String up = proxy.sentUpstream(0);
    assertThat(up.toLowerCase()).contains("transfer-encoding: chunked");
    assertThat(up).contains("5\r\nhello\r\n").endsWith("0\r\n\r\n").doesNotContain("X-Injected");
    proxy.reply(0, OK);
    assertThat(proxy.received()).startsWith("HTTP/1.1 200 OK");
  }

  @Test
  @Tag("catalogue-3")
  void aRefusedBackendIsRetriedOnTheOther() {
    proxy.refused.add(81);
    proxy.send("GET / HTTP/1.1\r\nHost: app.test\r\n\r\n");
    assertThat(proxy.upstreams).as("only the second backend was reached").hasSize(1);
    assertThat(proxy.sentUpstream(0)).startsWith("GET / HTTP/1.1");
    proxy.reply(0, OK);
    assertThat(proxy.received()).startsWith("HTTP/1.1 200 OK");
    assertThat(proxy.fixture.metrics.scrape()).contains("aralez_upstream_retries_total 1.0");
  }

  @Test
  void noReachableBackendIs502() {
    proxy.refused.add(81);
    proxy.refused.add(82);
    proxy.send("GET / HTTP/1.1\r\nHost: app.test\r\n\r\n");
    assertThat(proxy.received()).startsWith("HTTP/1.1 502 Bad Gateway");
    assertThat(proxy.client.isOpen()).as("the request was complete: keep-alive").isTrue();
  }

  @Test
  void backendsThatOnlyTimeOutConnectingAre504() {
    proxy.timedOut.add(81);
    proxy.timedOut.add(82);
    proxy.send("GET / HTTP/1.1\r\nHost: app.test\r\n\r\n");
    assertThat(proxy.received()).startsWith("HTTP/1.1 504 Gateway Timeout");
    assertThat(proxy.fixture.metrics.scrape()).contains("aralez_upstream_retries_total 1.0");
  }

  @Test
  void aTimedOutConnectIsRetriedOnTheOther() {
    proxy.timedOut.add(81);
    proxy.send("GET / HTTP/1.1\r\nHost: app.test\r\n\r\n");
    assertThat(proxy.upstreams).as("only the second backend was reached").hasSize(1);
    proxy.reply(0, OK);
    assertThat(proxy.received()).startsWith("HTTP/1.1 200 OK");
  }

  @Test
  @Tag("catalogue-3")
  void aSilentUpstreamIs504AfterTheReadTimeout() {
    proxy.send("GET / HTTP/1.1\r\nHost: one.test\r\n\r\n");
    proxy.advance(Duration.ofSeconds(59));
    assertThat(proxy.received()).isEmpty();
    proxy.advance(Duration.ofSeconds(2));
    assertThat(proxy.received()).startsWith("HTTP/1.1 504 Gateway Timeout");
  }

  @Test
  @Tag("catalogue-2.6")
  void aClientThatStopsSendingItsBodyGets408() {
    proxy.send("POST / HTTP/1.1\r\nHost: one.test\r\nContent-Length: 10\r\n\r\nabc");
    assertThat(proxy.sentUpstream(0)).endsWith("abc");
    proxy.advance(Duration.ofSeconds(61));
    assertThat(proxy.received()).startsWith("HTTP/1.1 408 Request Timeout");
    assertThat(proxy.client.isOpen()).as("the rest of the body cannot be skipped").isFalse();
  }

  @Test
  void aResponseCutShortClosesTheClientSoItNeverLooksComplete() {
    proxy.send("GET / HTTP/1.1\r\nHost: one.test\r\n\r\n");
    proxy.reply(0, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial");
    proxy.closeUpstream(0);
    assertThat(proxy.received()).startsWith("HTTP/1.1 200 OK").endsWith("partial");
    assertThat(proxy.client.isOpen()).isFalse();
  }

  @Test
  @Tag("catalogue-2.1")
  void anInvalidResponseIs502AndTheConnectionIsNotReused() {
    proxy.send("GET / HTTP/1.1\r\nHost: one.test\r\n\r\n");
    proxy.reply(0, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab");
    assertThat(proxy.received()).startsWith("HTTP/1.1 502 Bad Gateway");
    assertThat(proxy.upstreams.get(0).isOpen()).isFalse();
  }

  @Test
  void aLocalAnswerNeedsNoUpstream() {
    proxy.send("GET / HTTP/1.1\r\nHost: nowhere.test\r\n\r\n");
    String answer = proxy.received();
    assertThat(answer).startsWith("HTTP/1.1 404 Not Found");
    assertThat(answer.toLowerCase()).containsPattern("\r\ndate: [a-z]{3}, \\d{2} [a-z]{3} \\d{4} ");
    assertThat(proxy.upstreams).isEmpty();
    assertThat(proxy.client.isOpen()).isTrue();
  }

  /** Chunked bodies the decoder cannot read (the reliability catalogue's smuggling cases). */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {
        "5\r\nhello\r\nzz\r\n",
        "5\r\nhello\r\nfffffffffffffffff1\r\nx\r\n",
        "5\r\nhello\r\n0x1\r\nx\r\n0\r\n\r\n",
        "5\r\nhelloXX\r\n0\r\n\r\n",
      })
  void aMalformedChunkedBodyIsNeverForwardedAsComplete(String body) {
    proxy.send("POST /x HTTP/1.1\r\nHost: one.test\r\nTransfer-Encoding: chunked\r\n\r\n" + body);
    String up = proxy.sentUpstream(0);
    assertThat(up).startsWith("POST /x HTTP/1.1");
    assertThat(up).as("the upstream never sees a clean end").doesNotContain("0\r\n\r\n");
    assertThat(proxy.upstreams.get(0).isOpen()).as("the upstream request is abandoned").isFalse();
    assertThat(proxy.received()).startsWith("HTTP/1.1 400 Bad Request");
    assertThat(proxy.client.isOpen()).isFalse();
  }

  /** Request lines another parser could split differently (the catalogue's lenient forms). */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {
        "GET / http/1.1",
        "GET / HTTP/2.0",
        "GET / HTTP/1.2",
        "GET  / HTTP/1.1",
        "GET /  HTTP/1.1",
        "GET\t/ HTTP/1.1",
        "GET /\tHTTP/1.1",
        "GET / HTTP/1.1 ",
        "GET /",
        "G(T / HTTP/1.1",
        "GET /a\u007fb HTTP/1.1",
      })
  void aLenientRequestLineIs400AndCloses(String line) {
    proxy.send(line + "\r\nHost: one.test\r\n\r\n");
    assertThat(proxy.received()).startsWith("HTTP/1.1 400 Bad Request");
    assertThat(proxy.upstreams).isEmpty();
    assertThat(proxy.client.isOpen()).isFalse();
  }

  @Test
  @Tag("catalogue-2.1")
  void anOverlongRequestLineIsStill414() {
    proxy.send("GET /" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: one.test\r\n\r\n");
    assertThat(proxy.received()).startsWith("HTTP/1.1 414");
    assertThat(proxy.upstreams).isEmpty();
  }

  @Test
  @Tag("catalogue-2.1")
  void aRequestLineMayArriveInPiecesAndAfterEmptyLines() {
    proxy.send("\r\nGE");
    proxy.send("T /split HT");
    proxy.send("TP/1.1\r\nHost: on");
    proxy.send("e.test\r\n\r\n");
    assertThat(proxy.sentUpstream(0)).startsWith("GET /split HTTP/1.1\r\n");
    proxy.reply(0, OK);
    assertThat(proxy.received()).startsWith("HTTP/1.1 200 OK");
    // A bare LF ends no request line, also on a kept-alive connection.
    proxy.send("GET /next HTTP/1.1\nHost: one.test\r\n\r\n");
    assertThat(proxy.received()).startsWith("HTTP/1.1 400 Bad Request");
    assertThat(proxy.client.isOpen()).isFalse();
  }

  @Test
  @Tag("catalogue-2.1")
  void aMalformedChunkAfterTheResponseStartedClosesTheClient() {
    proxy.send(
        "POST /x HTTP/1.1\r\nHost: one.test\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5\r\nhello\r\n");
    proxy.reply(0, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nearly");
    proxy.send("zz\r\n");
    assertThat(proxy.received()).startsWith("HTTP/1.1 200 OK").endsWith("early");
    assertThat(proxy.client.isOpen()).isFalse();
    assertThat(proxy.upstreams.get(0).isOpen()).isFalse();
  }

  @Test
  @Tag("catalogue-2.4")
  void aTrustedProxysForwardingHeadersPassAndNameTheRealClient() {
    try (EmbeddedProxy trusted =
        new EmbeddedProxy(
            new ProxyFixture(
                "proxy_address_http: 127.0.0.1:8080\nupstreams_conf: upstreams.yaml\n"
                    + "trusted_proxies: [198.51.100.0/24]\n",
                ROUTES))) {
      trusted.send(
          "GET / HTTP/1.1\r\nHost: one.test\r\nX-Forwarded-For: 203.0.113.5\r\n"
              + "Forwarded: for=203.0.113.5\r\nX-Forwarded-Port: 443\r\n\r\n");
      String up = trusted.sentUpstream(0).toLowerCase();
      assertThat(up)
          .contains("x-forwarded-for: 203.0.113.5, 198.51.100.7\r\n")
          .contains("x-real-ip: 203.0.113.5\r\n")
          .contains("forwarded: for=203.0.113.5")
          .contains("x-forwarded-port: 443");
    }
  }
}
