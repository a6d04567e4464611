package io.aralez.dataplane.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
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
 * Requests read whole without Netty's decoder give the messages Netty's decoder gives for the same
 * bytes (the server codec without the shortcut is the reference), for any mix of methods, targets,
 * versions and framings, pipelined and split into reads anyhow.
 */
class WholeRequestTest {
  private static final String[] METHODS = {
    "GET",
    "POST",
    "HEAD",
    "PUT",
    "DELETE",
    "OPTIONS",
    "PATCH",
    "CONNECT",
    "TRACE",
    "PROPFIND",
    "get",
    "GETX",
    // Near misses of the shortcut's word compares: same first four bytes, or one byte off.
    "POSTX",
    "HEADS",
    "DELETES",
    "DELETX",
    "OPTIONSX",
    "OPTIONZ",
    "PATCHY",
    "PATCX",
    "PUTT",
    "PU"
  };
  private static final String[] TARGETS = {
    "/", "/a/b?c=d&e", "*", "http://h.test/x", "/caf\u00e9", "h.test:443", "/%2e%2e/"
  };
  private static final String[] FIELDS = {
    "Host: h.test",
    "Accept: */*",
    "X-A: 1",
    "Cookie: a=b",
    "Connection: keep-alive",
    "Expect: 100-continue",
    "Upgrade: websocket"
  };

  record Request(
      boolean emptyLineFirst,
      String method,
      String target,
      String version,
      List<String> fields,
      String framing,
      String body) {
    String bytes() {
      StringBuilder b = new StringBuilder(emptyLineFirst ? "\r\n" : "");
      b.append(method).append(' ').append(target).append(' ').append(version).append("\r\n");
      fields.forEach(f -> b.append(f).append("\r\n"));
      DecodedText.framedBody(b, framing, body);
      return b.toString();
    }
  }

  @Provide
  Arbitrary<List<Request>> requests() {
    Arbitrary<Request> one =
        Combinators.combine(
                Arbitraries.frequency(Tuple.of(1, true), Tuple.of(9, false)),
                Arbitraries.frequencyOf(
                    Tuple.of(1, Arbitraries.just("GET")), Tuple.of(1, Arbitraries.of(METHODS))),
                Arbitraries.of(TARGETS),
                Arbitraries.frequency(Tuple.of(6, "HTTP/1.1"), Tuple.of(1, "HTTP/1.0")),
                Arbitraries.of(FIELDS).list().ofMaxSize(4),
                Arbitraries.frequency(
                    Tuple.of(6, "none"),
                    Tuple.of(6, "length"),
                    Tuple.of(1, "zero-led"),
                    Tuple.of(1, "twice"),
                    Tuple.of(1, "list"),
                    Tuple.of(2, "chunked"),
                    Tuple.of(1, "hixie")),
                DecodedText.bodies())
            .as(Request::new);
    return one.list().ofMinSize(1).ofMaxSize(4);
  }

  @Provide
  Arbitrary<List<Integer>> splits() {
    return DecodedText.splits();
  }

  @Property(tries = 1000)
  void readsEveryRequestAsNettysDecoderDoes(
      @ForAll("requests") List<Request> requests, @ForAll("splits") List<Integer> splits) {
    StringBuilder all = new StringBuilder();
    requests.forEach(r -> all.append(r.bytes()));
    byte[] bytes = all.toString().getBytes(StandardCharsets.ISO_8859_1);
    List<String> ours = decode(new ServerCodec(HeadForwardingTest.config()), bytes, splits);
    List<String> netty = decode(new ServerCodec(HeadForwardingTest.config(), false), bytes, splits);
    assertThat(ours).as(all.toString()).isEqualTo(netty);
  }

  private static List<String> decode(ServerCodec codec, byte[] bytes, List<Integer> splits) {
    EmbeddedChannel ch = new EmbeddedChannel(codec);
    try {
      return DecodedText.read(ch, bytes, splits);
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void takesAWholeRequestWithTheMethodConstantAndTheTargetAsSent() {
    String line = "PATCH /caf\u00e9?x HTTP/1.1\r\n";
    String rest = "Host: h\r\nContent-Length: 2\r\n\r\nokGET";
    ByteBuf buf = Unpooled.copiedBuffer(line + rest, StandardCharsets.ISO_8859_1);
    HeadLines lines = new HeadLines.Scanner().scan(buf, line.length(), 8192);
    List<Object> out = new ArrayList<>();
    assertThat(new WholeRequest(8192).take(buf, line.length(), lines, out)).isTrue();
    HttpRequest req = (HttpRequest) out.get(0);
    assertThat(req.method()).isSameAs(HttpMethod.PATCH);
    assertThat(req.uri()).isEqualTo("/caf\u00e9?x");
    LastHttpContent last = (LastHttpContent) out.get(1);
    assertThat(last.content().toString(StandardCharsets.ISO_8859_1)).isEqualTo("ok");
    assertThat(last.trailingHeaders()).isSameAs(BodyEndTrailers.NONE);
    assertThat(buf.toString(StandardCharsets.ISO_8859_1)).isEqualTo("GET");
    last.release();
    buf.release();
  }
}
