package io.aralez.dataplane.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Reads the usual upstream response entirely here: an HTTP/1.1 status line with its code's standard
 * reason, header lines kept in place, and a body framed by one plain Content-Length that is already
 * whole in the buffer and no longer than one chunk of the decoder. Netty's decoder splits the
 * status line into three Strings, looks the version and status up by them, reads Content-Length
 * back as a String and walks its state machine (~7% of the proxy's user time per request,
 * bench/README.md). The response is made as one full message, where Netty makes a head and then the
 * body's end: every reader of upstream responses here (the exchange, side calls, HTTP/2 streams)
 * takes a message that is both. Anything else — interim and bodiless statuses, an answer to HEAD,
 * Transfer-Encoding, another version or reason, a body not yet read whole — goes to Netty's decoder
 * as before.
 */
final class WholeResponse implements InPlaceHead.Shortcut {
  // "HTTP/1.1 ", read as one long and one byte.
  private static final long HTTP_1_1 = 0x485454502f312e31L;

  /**
   * Each status's standard reason as bytes, by code (compared without a String's per-char calls).
   */
  private static final byte[][] REASONS = new byte[600][];

  static {
    for (int code = 200; code < 600; code++) {
      REASONS[code] =
          HttpResponseStatus.valueOf(code)
              .reasonPhrase()
              .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }
  }

  private final ArrayDeque<HttpMethod> methods;
  private final int maxChunk;

  /**
   * @param methods the methods of the requests awaiting an answer, oldest first (the response taken
   *     here answers the oldest, which it removes)
   * @param maxChunk the decoder's largest content chunk: a longer body is left to it
   */
  WholeResponse(ArrayDeque<HttpMethod> methods, int maxChunk) {
    this.methods = methods;
    this.maxChunk = maxChunk;
  }

  @Override
  public boolean take(ByteBuf buffer, int startLine, HeadLines lines, List<Object> out) {
    int at = buffer.readerIndex();
    HttpResponseStatus status = status(buffer, at, startLine);
    if (status == null
        || methods.isEmpty()
        || Methods.is(methods.peek(), HttpMethod.HEAD)
        || lines.has(HttpHeaderNames.TRANSFER_ENCODING)) {
      return false;
    }
    long length = lines.plainContentLength();
    int head = startLine + lines.length() + 2;
    if (!InPlaceHead.bodyIsWhole(buffer, head, length, maxChunk)) {
      return false;
    }
    methods.poll();
    // One message, head and body: relayed as one write, which the client's encoder puts in one
    // buffer when the body is small (one pipeline pass, one outbound entry and one plain write
    // instead of two of each and a writev).
    out.add(
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            status,
            InPlaceHead.skipToBody(buffer, head, length),
            new ForwardedHeaders(lines),
            BodyEndTrailers.NONE));
    return true;
  }

  /**
   * The status of an "HTTP/1.1 NNN Reason" line at {@code at} whose code frames its body by length
   * (200-599 but 204 and 304) and whose reason is the code's standard one; otherwise null.
   */
  private static HttpResponseStatus status(ByteBuf buffer, int at, int startLine) {
    int reason = at + 13;
    int cr = at + startLine - 2;
    if (cr <= reason || buffer.getLong(at) != HTTP_1_1 || buffer.getByte(at + 8) != ' ') {
      return null;
    }
    int code = 0;
    for (int i = at + 9; i < at + 12; i++) {
      int d = buffer.getByte(i) - '0';
      if (d < 0 || d > 9) {
        return null;
      }
      code = code * 10 + d;
    }
    if (code < 200 || code > 599 || code == 204 || code == 304 || buffer.getByte(at + 12) != ' ') {
      return null;
    }
    byte[] standard = REASONS[code];
    if (standard.length != cr - reason) {
      return null;
    }
    for (int i = 0; i < standard.length; i++) {
      if (buffer.getByte(reason + i) != standard[i]) {
        return null;
      }
    }
    return HttpResponseStatus.valueOf(code);
  }
}
