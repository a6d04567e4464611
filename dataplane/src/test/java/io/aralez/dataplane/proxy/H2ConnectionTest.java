package io.aralez.dataplane.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.dataplane.testing.EmbeddedH2Client;
import io.aralez.dataplane.testing.EmbeddedH2Client.Got;
import io.aralez.dataplane.testing.EmbeddedProxy;
import io.aralez.dataplane.testing.ProxyFixture;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameStream;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP/2 connection handler on in-memory channels: a real HTTP/2 client (Netty's frame codec)
 * on one side, HTTP/1.1 upstream connections on the other. Streams are independent flows on one
 * handler: each its own upstream exchange, its own flow-control window, its own end.
 */
class H2ConnectionTest {
  static final String ROUTES =
      """
      app.test:
        paths:
          "/":
            servers: ["10.0.0.1:81"]
      """;

  static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";

  final EmbeddedProxy proxy = new EmbeddedProxy(ProxyFixture.of(ROUTES), true);
  final EmbeddedH2Client h2 = new EmbeddedH2Client(proxy);

  @AfterEach
  void close() {
    h2.close();
    proxy.close();
  }

  @Test
  void aStreamGoesUpstreamAsAnHttp1RequestAndItsResponseComesBackAsFrames() {
    Http2FrameStream s = h2.open("GET", "/a?b=1", "app.test", true, "x-custom", "yes");
    String up = proxy.sentUpstream(0);
    assertThat(up).startsWith("GET /a?b=1 HTTP/1.1\r\n");
    assertThat(up.toLowerCase())
        .contains("host: app.test\r\n")
        .contains("x-custom: yes\r\n")
        .contains("x-forwarded-for: 198.51.100.7\r\n")
        // Netty's conversion carries the stream id and scheme; they stay inside the proxy.
        .doesNotContain("x-http2-")
        // A request that ended with its head has no body: not chunked.
        .doesNotContain("transfer-encoding");
    proxy.reply(0, OK);
    List<Got> frames = h2.frames(s);
    assertThat(frames).hasSize(2);
    assertThat(frames.get(0).type()).isEqualTo("HEADERS");
    assertThat(frames.get(0).headers().status().toString()).isEqualTo("200");
    assertThat(frames.get(0).end()).isFalse();
    assertThat(frames.get(1).type()).isEqualTo("DATA");
    assertThat(frames.get(1).data()).isEqualTo("hello");
    assertThat(frames.get(1).end()).isTrue();
  }

  @Test
  void streamsAreAnsweredIndependentlyInTheOrderTheirUpstreamsAnswer() {
    Http2FrameStream first = h2.open("GET", "/1", "app.test", true);
    Http2FrameStream second = h2.open("GET", "/2", "app.test", true);
    assertThat(proxy.upstreams).hasSize(2);
    assertThat(proxy.sentUpstream(0)).startsWith("GET /1 ");
    assertThat(proxy.sentUpstream(1)).startsWith("GET /2 ");
    proxy.reply(1, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ntwo");
    assertThat(h2.frames(second)).extracting(Got::data).containsExactly(null, "two");
    assertThat(h2.frames(first)).isEmpty();
    proxy.reply(0, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none");
    assertThat(h2.frames(first)).extracting(Got::data).containsExactly(null, "one");
  }

  @Test
  void aBodyGoesUpstreamChunkedAndItsWindowIsGivenBackOnlyAsItsUpstreamTakesIt() {
    Http2FrameStream slow = h2.open("POST", "/slow", "app.test", false);
    assertThat(proxy.sentUpstream(0).toLowerCase()).contains("transfer-encoding: chunked");
    // The slow stream's upstream stops taking bytes.
    proxy.upstreams.get(0).unsafe().outboundBuffer().setUserDefinedWritability(1, false);
    h2.data(slow, "x".repeat(1000), false);
    assertThat(unconsumed(slow)).as("held against the client's window").isEqualTo(1000);

    // Meanwhile another stream on the same connection is served.
    Http2FrameStream other = h2.open("GET", "/other", "app.test", true);
    proxy.reply(1, OK);
    assertThat(h2.frames(other)).extracting(Got::data).containsExactly(null, "hello");
    assertThat(unconsumed(slow)).isEqualTo(1000);

    // The upstream takes bytes again: the window goes back.
    proxy.upstreams.get(0).unsafe().outboundBuffer().setUserDefinedWritability(1, true);
    h2.pump();
    assertThat(unconsumed(slow)).isZero();
    h2.data(slow, "end", true);
    assertThat(proxy.sentUpstream(0))
        .contains("3e8\r\n" + "x".repeat(1000))
        .endsWith("3\r\nend\r\n0\r\n\r\n");
    proxy.reply(0, OK);
    assertThat(h2.frames(slow)).extracting(Got::data).containsExactly(null, "hello");
  }

  @Test
  void aFinishedBodyGivesItsWindowBackEvenWhileItsUpstreamIsBusy() {
    Http2FrameStream s = h2.open("POST", "/busy", "app.test", false);
    proxy.upstreams.get(0).unsafe().outboundBuffer().setUserDefinedWritability(1, false);
    h2.data(s, "x".repeat(1000), false);
    assertThat(unconsumed(s)).isEqualTo(1000);
    // Nothing more can come on the stream: holding its bytes would only shrink the connection's
    // window for the other streams.
    h2.data(s, "y", true);
    assertThat(unconsumed(s)).isZero();
  }

  @Test
  void aResetStreamAbortsItsOwnExchangeOnly() {
    Http2FrameStream gone = h2.open("GET", "/gone", "app.test", true);
    Http2FrameStream kept = h2.open("GET", "/kept", "app.test", true);
    h2.reset(gone);
    assertThat(proxy.upstreams.get(0).isOpen())
        .as("the reset stream's upstream connection is dropped, never pooled half-read")
        .isFalse();
    proxy.reply(1, OK);
    assertThat(h2.frames(kept)).extracting(Got::data).containsExactly(null, "hello");
  }

  @Test
  void aResponseThatEndsBeforeItsRequestAsksTheClientToStopWithNoError() {
    Http2FrameStream upload = h2.open("POST", "/upload", "app.test", false);
    h2.data(upload, "part", false);
    proxy.reply(0, "HTTP/1.1 413 Payload Too Large\r\nContent-Length: 4\r\n\r\nbig!");
    List<Got> frames = h2.frames(upload);
    assertThat(frames).extracting(Got::type).containsExactly("HEADERS", "DATA", "RST_STREAM");
    assertThat(frames.get(1).end()).isTrue();
    assertThat(frames.get(2).code()).isEqualTo(Http2Error.NO_ERROR.code());
  }

  @Test
  void upstreamTrailersEndTheStreamAsTrailers() {
    // (An HTTP/1.1 upstream's chunked trailers; gRPC itself goes to its upstream over HTTP/2.)
    Http2FrameStream s = h2.open("POST", "/rpc", "app.test", false);
    h2.data(s, "call", true);
    proxy.reply(
        0,
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5\r\nreply\r\n0\r\nGrpc-Status: 0\r\n\r\n");
    List<Got> frames = h2.frames(s);
    assertThat(frames).extracting(Got::type).containsExactly("HEADERS", "DATA", "HEADERS");
    assertThat(frames.get(1).data()).isEqualTo("reply");
    assertThat(frames.get(1).end()).isFalse();
    assertThat(frames.get(2).end()).isTrue();
    assertThat(frames.get(2).headers().get("grpc-status").toString()).isEqualTo("0");
  }

  @Test
  void aLocalAnswerEndsTheStreamAndTheConnectionGoesOn() {
    Http2FrameStream unknown = h2.open("GET", "/", "nowhere.test", true);
    List<Got> frames = h2.frames(unknown);
    assertThat(frames.get(0).headers().status().toString()).isEqualTo("404");
    assertThat(frames.get(frames.size() - 1).end()).isTrue();
    Http2FrameStream next = h2.open("GET", "/", "app.test", true);
    proxy.reply(0, OK);
    assertThat(h2.frames(next)).extracting(Got::data).containsExactly(null, "hello");
    assertThat(proxy.client.isOpen()).isTrue();
  }

  @Test
  void finishedStreamsLeaveNoTimerBehind() throws Exception {
    for (int i = 0; i < 50; i++) {
      Http2FrameStream s = h2.open("GET", "/" + i, "app.test", true);
      proxy.reply(0, OK);
      assertThat(h2.frames(s)).extracting(Got::data).containsExactly(null, "hello");
    }
    // One stall timer for the whole connection: a timer left per stream would keep each
    // finished stream (its flow, exchange and request) alive until it fired.
    assertThat(scheduledOnClientLoop()).isLessThanOrEqualTo(2);
  }

  private int scheduledOnClientLoop() throws Exception {
    var field =
        io.netty.util.concurrent.AbstractScheduledEventExecutor.class.getDeclaredField(
            "scheduledTaskQueue");
    field.setAccessible(true);
    var queue = (java.util.Queue<?>) field.get(proxy.client.eventLoop());
    return queue == null ? 0 : queue.size();
  }

  private int unconsumed(Http2FrameStream s) {
    var codec = proxy.client.pipeline().get(Http2FrameCodec.class).connection();
    return codec.local().flowController().unconsumedBytes(codec.stream(s.id()));
  }
}
