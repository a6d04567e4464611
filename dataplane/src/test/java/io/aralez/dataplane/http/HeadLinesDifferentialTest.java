package io.aralez.dataplane.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Tag;

/**
 * The strict scanner against Netty's own request decoder (the reference), on generated heads that
 * mix valid lines with the hostile shapes of the reliability catalogue: whatever the scanner keeps,
 * Netty reads as the same fields; whatever the proxy forwards, kept or re-encoded, is strictly
 * well-formed and reads as what the proxy decoded.
 */
@Tag("catalogue-2.1")
class HeadLinesDifferentialTest {
  private static final String[] NAMES = {
    "Host", "accept", "X-Custom", "Cookie", "x_under", "Content-Type", "A", "sec-ch-ua", "X-Custom"
  };
  private static final String[] VALUES = {
    "v", "", " padded ", "a, b;q=0.9", "\t tab \t", "J\u00fcrgen", "\"quoted\"", "x".repeat(40)
  };
  // Each is a whole line or a fragment a smuggler would try (H1-13 to H1-15).
  private static final String[] HOSTILE = {
    " folded\r\n",
    "\tfolded\r\n",
    "X: a\rb\r\n",
    "X: a\u0000\r\n",
    "X: a\u007f\r\n",
    "X : a\r\n",
    ": a\r\n",
    "NoColon\r\n",
    "X@Y: a\r\n",
    "N\u00e4me: a\r\n",
    "X: a\n",
    "X:\u000bv\r\n",
    "X: a\r\r\n"
  };

  @Provide
  Arbitrary<List<String>> heads() {
    Arbitrary<String> valid =
        Arbitraries.of(NAMES).flatMap(n -> Arbitraries.of(VALUES).map(v -> n + ":" + v + "\r\n"));
    Arbitrary<String> line =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(8, valid), net.jqwik.api.Tuple.of(1, Arbitraries.of(HOSTILE)));
    return line.list().ofMinSize(0).ofMaxSize(12);
  }

  private static String head(List<String> lines) {
    return "GET /p HTTP/1.1\r\nHost: h.example\r\n" + String.join("", lines) + "\r\n";
  }

  /** Netty's decoder with its defaults: the reference reading of a head. */
  static HttpRequest reference(String head) {
    EmbeddedChannel ch = new EmbeddedChannel(new HttpRequestDecoder());
    try {
      ch.writeInbound(Unpooled.copiedBuffer(head, StandardCharsets.ISO_8859_1));
      HttpRequest req = ch.readInbound();
      Object o;
      while ((o = ch.readInbound()) != null) {
        ReferenceCountUtil.release(o);
      }
      return req;
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  private static List<String> fields(HttpRequest req) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> e : req.headers()) {
      out.add(e.getKey().toLowerCase() + ": " + e.getValue());
    }
    return out;
  }

  private static List<String> fields(HeadLines lines) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < lines.count(); i++) {
      out.add(lines.name(i).toLowerCase() + ": " + lines.value(i));
    }
    return out;
  }

  @Property(tries = 2000)
  void whatTheScannerKeepsNettyReadsAsTheSameFields(@ForAll("heads") List<String> lines) {
    String head = head(lines);
    int afterLine = "GET /p HTTP/1.1\r\n".length();
    HeadLines kept =
        new HeadLines.Scanner()
            .scan(Unpooled.copiedBuffer(head, StandardCharsets.ISO_8859_1), afterLine, 8192);
    if (kept == null) {
      return;
    }
    HttpRequest req = reference(head);
    assertThat(req.decoderResult().isSuccess()).as(head).isTrue();
    assertThat(fields(kept)).as(head).isEqualTo(fields(req));
  }

  @Property(tries = 2000)
  void theProxyReadsEveryHeadAsNettyDoes(@ForAll("heads") List<String> lines) {
    String head = head(lines);
    EmbeddedChannel server = new EmbeddedChannel(new ServerCodec(HeadForwardingTest.config()));
    try {
      server.writeInbound(Unpooled.copiedBuffer(head, StandardCharsets.ISO_8859_1));
      HttpRequest ours = server.readInbound();
      HttpRequest netty = reference(head);
      assertThat(ours.decoderResult().isSuccess())
          .as(head)
          .isEqualTo(netty.decoderResult().isSuccess());
      if (ours.decoderResult().isSuccess()) {
        assertThat(fields(ours)).as(head).isEqualTo(fields(netty));
        assertThat(ours.headers().size()).isEqualTo(netty.headers().size());
        for (String name : NAMES) {
          assertThat(ours.headers().getAll(name)).as(name).isEqualTo(netty.headers().getAll(name));
          assertThat(ours.headers().get(name)).as(name).isEqualTo(netty.headers().get(name));
          assertThat(ours.headers().contains(name)).isEqualTo(netty.headers().contains(name));
        }
      }
    } finally {
      HeadForwardingTest.closeAll(server);
    }
  }

  @Property(tries = 2000)
  void whatTheProxyForwardsIsStrictAndReadsAsWhatItDecoded(@ForAll("heads") List<String> lines) {
    String head = head(lines);
    EmbeddedChannel server = new EmbeddedChannel(new ServerCodec(HeadForwardingTest.config()));
    EmbeddedChannel client = new EmbeddedChannel(new ClientCodec(HeadForwardingTest.config()));
    try {
      server.writeInbound(Unpooled.copiedBuffer(head, StandardCharsets.ISO_8859_1));
      HttpRequest req = server.readInbound();
      if (req == null || !req.decoderResult().isSuccess()) {
        return;
      }
      String forwarded = HeadForwardingTest.out(client, req, LastHttpContent.EMPTY_LAST_CONTENT);
      int afterLine = forwarded.indexOf("\r\n") + 2;
      HeadLines strict =
          new HeadLines.Scanner()
              .scan(Unpooled.copiedBuffer(forwarded, StandardCharsets.ISO_8859_1), afterLine, 8192);
      assertThat(strict).as("forwarded:\n" + forwarded).isNotNull();
      assertThat(ascii(fields(reference(forwarded))))
          .as(head)
          .containsExactlyInAnyOrderElementsOf(ascii(fields(req)));
    } finally {
      HeadForwardingTest.closeAll(server, client);
    }
  }

  // Netty's own encoder writes a character above 0x7f as '?': a head it re-encodes differs there.
  private static List<String> ascii(List<String> fields) {
    return fields.stream().map(f -> f.replaceAll("[^\\x00-\\x7f]", "?")).toList();
  }
}
