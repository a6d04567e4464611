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

/** What a decoder makes of some bytes, as text two decoders' readings can be compared by. */
final class DecodedText {
  private DecodedText() {}

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
