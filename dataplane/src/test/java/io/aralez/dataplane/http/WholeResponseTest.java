package io.aralez.dataplane.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

/**
 * Responses read whole without Netty's decoder give the messages Netty's decoder gives for the same
 * bytes (the client codec without the shortcut is the reference), for any mix of statuses, framings
 * and methods, and however the bytes are split into reads.
 */
class WholeResponseTest {
  private static final String[] STATUS_LINES = {
    "HTTP/1.1 200 OK",
    "HTTP/1.1 404 Not Found",
    "HTTP/1.1 503 Service Unavailable",
    "HTTP/1.1 200 Fine",
    "HTTP/1.1 200 ok",
    "HTTP/1.1 200 ",
    "HTTP/1.1 204 No Content",
    "HTTP/1.1 304 Not Modified",
    "HTTP/1.1 100 Continue",
    "HTTP/1.1 299 Success (299)",
    "HTTP/1.1 600 Whatever",
    "HTTP/1.0 200 OK",
    "HTTP/1.1 2x0 OK",
  };
  private static final String[] FIELDS = {
    "Server: nginx",
    "content-type: text/plain",
    "X-A: 1",
    "Set-Cookie: a=b",
    "Connection: keep-alive"
  };

  /** One response: status line, fields, framing and body; and the method it answers. */
  record Exchange(
      String method, String statusLine, List<String> fields, String framing, String body) {
    String bytes() {
      StringBuilder b = new StringBuilder(statusLine).append("\r\n");
      fields.forEach(f -> b.append(f).append("\r\n"));
      DecodedText.framedBody(b, framing, body);
      return b.toString();
    }
  }

  @Provide
  Arbitrary<List<Exchange>> exchanges() {
    Arbitrary<Exchange> one =
        Combinators.combine(
                Arbitraries.frequency(Tuple.of(4, "GET"), Tuple.of(1, "HEAD"), Tuple.of(1, "POST")),
                Arbitraries.frequencyOf(
                    Tuple.of(1, Arbitraries.just(STATUS_LINES[0])),
                    Tuple.of(1, Arbitraries.of(STATUS_LINES))),
                Arbitraries.of(FIELDS).list().ofMaxSize(4),
                Arbitraries.frequency(
                    Tuple.of(8, "length"),
                    Tuple.of(1, "zero-led"),
                    Tuple.of(1, "twice"),
                    Tuple.of(1, "list"),
                    Tuple.of(2, "chunked")),
                DecodedText.bodies())
            .as(Exchange::new);
    return one.list().ofMinSize(1).ofMaxSize(4);
  }

  @Property(tries = 1000)
  void readsEveryResponseAsNettysDecoderDoes(
      @ForAll("exchanges") List<Exchange> exchanges, @ForAll("splits") List<Integer> splits) {
    StringBuilder all = new StringBuilder();
    exchanges.forEach(e -> all.append(e.bytes()));
    byte[] bytes = all.toString().getBytes(StandardCharsets.ISO_8859_1);
    List<String> ours =
        decode(new ClientCodec(HeadForwardingTest.config()), exchanges, bytes, splits);
    List<String> netty =
        decode(new ClientCodec(HeadForwardingTest.config(), false), exchanges, bytes, splits);
    assertThat(ours).as(all.toString()).isEqualTo(netty);
  }

  @Provide
  Arbitrary<List<Integer>> splits() {
    return DecodedText.splits();
  }

  /** The messages a codec reads from {@code bytes} after sending the exchanges' requests. */
  private static List<String> decode(
      ClientCodec codec, List<Exchange> exchanges, byte[] bytes, List<Integer> splits) {
    EmbeddedChannel ch = new EmbeddedChannel(codec);
    try {
      for (Exchange e : exchanges) {
        ch.writeOutbound(
            new DefaultFullHttpRequest(
                HttpVersion.HTTP_1_1, HttpMethod.valueOf(e.method()), "/", Unpooled.EMPTY_BUFFER));
      }
      Object o;
      while ((o = ch.readOutbound()) != null) {
        ReferenceCountUtil.release(o);
      }
      return DecodedText.read(ch, bytes, splits);
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void takesAWholeResponseAndAnswersTheOldestRequest() {
    ArrayDeque<HttpMethod> methods = new ArrayDeque<>(List.of(HttpMethod.GET, HttpMethod.HEAD));
    WholeResponse whole = new WholeResponse(methods, 8192);
    String head = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nServer: x\r\n\r\n";
    ByteBuf buf = Unpooled.copiedBuffer(head + "abcHTTP/1.1", StandardCharsets.ISO_8859_1);
    int line = "HTTP/1.1 200 OK\r\n".length();
    HeadLines lines = new HeadLines.Scanner().scan(buf, line, 8192);
    List<Object> out = new ArrayList<>();
    assertThat(whole.take(buf, line, lines, out)).isTrue();
    // One message, head and body.
    assertThat(out).hasSize(1);
    assertThat(((HttpResponse) out.get(0)).status()).isSameAs(HttpResponseStatus.OK);
    LastHttpContent last = (LastHttpContent) out.get(0);
    assertThat(last.content().toString(StandardCharsets.ISO_8859_1)).isEqualTo("abc");
    assertThat(last.trailingHeaders()).isSameAs(BodyEndTrailers.NONE);
    assertThat(buf.toString(StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1");
    assertThat(methods).containsExactly(HttpMethod.HEAD);
    last.release();
    buf.release();
  }

  @Test
  void leavesAnAnswerToHeadAndABodyNotYetWholeToNetty() {
    String head = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";
    int line = "HTTP/1.1 200 OK\r\n".length();
    ByteBuf buf = Unpooled.copiedBuffer(head + "abc", StandardCharsets.ISO_8859_1);
    HeadLines lines = new HeadLines.Scanner().scan(buf, line, 8192);
    List<Object> out = new ArrayList<>();
    ArrayDeque<HttpMethod> get = new ArrayDeque<>(List.of(HttpMethod.GET));
    assertThat(new WholeResponse(get, 8192).take(buf, line, lines, out)).isFalse();
    ArrayDeque<HttpMethod> headFirst = new ArrayDeque<>(List.of(HttpMethod.HEAD));
    assertThat(new WholeResponse(headFirst, 8192).take(buf, line, lines, out)).isFalse();
    ByteBuf whole = Unpooled.copiedBuffer(head + "abcde", StandardCharsets.ISO_8859_1);
    assertThat(new WholeResponse(get, 4).take(whole, line, lines, out)).isFalse();
    assertThat(new WholeResponse(get, 5).take(whole, line, lines, out)).isTrue();
    ReferenceCountUtil.release(out.remove(0));
    get.add(HttpMethod.GET);
    assertThat(out).isEmpty();
    assertThat(get).hasSize(1);
    assertThat(headFirst).hasSize(1);
    assertThat(buf.readerIndex()).isZero();
    buf.release();
    whole.release();
  }
}
