package io.aralez.dataplane.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/** What a decoder makes of some bytes, as text two decoders' readings can be compared by. */
final class DecodedText {
  private DecodedText() {}

  /** Bodies: none, short, and longer than one chunk of the decoder (8 KiB). */
  static Arbitrary<String> bodies() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.just("")),
        Tuple.of(6, Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(60)),
        Tuple.of(1, Arbitraries.strings().alpha().ofLength(9000)));
  }

  /**
   * Appends the framing fields, the empty line and the body: {@code none} (no framing field, no
   * body), {@code length}, {@code zero-led} (a leading zero), {@code twice} (two Content-Length
   * lines), {@code list} ("n, n"), {@code chunked} (with a trailer), {@code hixie} (draft-76
   * WebSocket keys: an implied 8-byte body), anything else: no framing field, the body after it.
   */
  static void framedBody(StringBuilder b, String framing, String body) {
    int n = body.length();
    switch (framing) {
      case "length" -> b.append("Content-Length: ").append(n).append("\r\n");
      case "zero-led" -> b.append("Content-Length: 0").append(n).append("\r\n");
      case "twice" -> b.append("Content-Length: " + n + "\r\ncontent-length: " + n + "\r\n");
      case "list" -> b.append("Content-Length: " + n + ", " + n + "\r\n");
      case "chunked" -> b.append("Transfer-Encoding: chunked\r\n");
      case "hixie" -> b.append("Sec-WebSocket-Key1: 1 2\r\nSec-WebSocket-Key2: 3 4\r\n");
      default -> {}
    }
    b.append("\r\n");
    switch (framing) {
      case "chunked" -> {
        if (n > 0) {
          b.append(Integer.toHexString(n)).append("\r\n").append(body).append("\r\n");
        }
        b.append("0\r\nX-T: 1\r\n\r\n");
      }
      case "hixie" -> b.append("12345678");
      case "none" -> {}
      default -> b.append(body);
    }
  }

  /** The sizes of the reads the bytes arrive in (the rest comes in one last read). */
  static Arbitrary<List<Integer>> splits() {
    return Arbitraries.integers().between(1, 4000).list().ofMaxSize(3);
  }

  /**
   * Writes {@code bytes} into {@code ch} in reads of the given sizes (the rest in a last one) and
   * returns each message read: its head, then its whole body with its trailers; "failed" before a
   * message the decoder could not read.
   */
  static List<String> read(EmbeddedChannel ch, byte[] bytes, List<Integer> splits) {
    int at = 0;
    for (int split : splits) {
      int to = Math.min(bytes.length, at + split);
      // Copies: the decoder moves unread bytes to the front of the buffer it was given.
      ch.writeInbound(Unpooled.copiedBuffer(bytes, at, to - at));
      at = to;
    }
    ch.writeInbound(Unpooled.copiedBuffer(bytes, at, bytes.length - at));
    List<String> seen = new ArrayList<>();
    StringBuilder body = new StringBuilder();
    Object o;
    while ((o = ch.readInbound()) != null) {
      HttpObject m = (HttpObject) o;
      if (!m.decoderResult().isSuccess()) {
        seen.add("failed");
      }
      if (m instanceof HttpMessage message) {
        List<String> fields = new ArrayList<>();
        for (Map.Entry<String, String> e : message.headers()) {
          fields.add(e.getKey() + ": " + e.getValue());
        }
        String line =
            message instanceof HttpRequest req
                ? req.method() + " " + req.uri()
                : ((HttpResponse) message).status().toString();
        seen.add(line + " " + message.protocolVersion() + " " + fields);
      }
      if (m instanceof HttpContent c) {
        body.append(c.content().toString(StandardCharsets.ISO_8859_1));
      }
      if (m instanceof LastHttpContent last) {
        seen.add("body " + body + " trailers " + last.trailingHeaders().entries());
        body.setLength(0);
      }
      ReferenceCountUtil.release(o);
    }
    return seen;
  }
}
