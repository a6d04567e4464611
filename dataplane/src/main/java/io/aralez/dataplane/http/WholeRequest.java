package io.aralez.dataplane.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads the usual client request entirely here: a request line {@link RequestLine} already found
 * strict, with one of the common methods, header lines kept in place, and no body or a body framed
 * by one plain Content-Length that is whole in the buffer and within one chunk of the decoder. The
 * messages are the ones Netty's decoder makes for such a request, without its splitting of the line
 * into Strings, its look-ups by them and its state machine. Anything else — other methods (CONNECT,
 * TRACE, extensions), Transfer-Encoding, the old WebSocket handshake's implied body, a body not yet
 * read whole — goes to Netty's decoder as before.
 */
final class WholeRequest implements InPlaceHead.Shortcut {
  // A method's first four bytes, big-endian, as one int.
  private static final int GET_ = word("GET ");
  private static final int PUT_ = word("PUT ");
  private static final int POST = word("POST");
  private static final int HEAD = word("HEAD");
  private static final int DELE = word("DELE");
  private static final int OPTI = word("OPTI");
  private static final int PATC = word("PATC");
  private static final int ONS_ = word("ONS ");
  private static final short TE = ('T' << 8) | 'E';
  private static final short H_ = ('H' << 8) | ' ';

  // Netty reads a body of 8 bytes after a GET with both draft-76 WebSocket keys.
  private static final String WEBSOCKET_KEY1 = "Sec-WebSocket-Key1";

  private final int maxChunk;

  /**
   * @param maxChunk the decoder's largest content chunk: a longer body is left to it
   */
  WholeRequest(int maxChunk) {
    this.maxChunk = maxChunk;
  }

  @Override
  public boolean take(ByteBuf buffer, int startLine, HeadLines lines, List<Object> out) {
    int at = buffer.readerIndex();
    HttpMethod method = method(buffer, at);
    if (method == null
        || lines.has(HttpHeaderNames.TRANSFER_ENCODING)
        || lines.has(WEBSOCKET_KEY1)) {
      return false;
    }
    long length = lines.plainContentLength();
    if (length == HeadLines.NO_CONTENT_LENGTH) {
      // A request without Content-Length or Transfer-Encoding has no body (RFC 9112 §6.3).
      length = 0;
    }
    int head = startLine + lines.length() + 2;
    if (!InPlaceHead.bodyIsWhole(buffer, head, length, maxChunk)) {
      return false;
    }
    // The line is strict (one space each, an eight-byte version): the target lies between.
    int target = at + method.name().length() + 1;
    int version = at + startLine - 10;
    HttpVersion v =
        buffer.getByte(version + 7) == '1' ? HttpVersion.HTTP_1_1 : HttpVersion.HTTP_1_0;
    String uri = buffer.toString(target, version - 1 - target, StandardCharsets.ISO_8859_1);
    InPlaceHead.addWhole(
        new DefaultHttpRequest(v, method, uri, new ForwardedHeaders(lines)),
        buffer,
        head,
        length,
        out);
    return true;
  }

  /**
   * The method the line at {@code at} starts with, when it is a common one; otherwise null. The
   * line is whole and strict (at least 14 bytes), so its first eight bytes can be read: a word
   * compare per method instead of a String compared byte by byte.
   */
  private static HttpMethod method(ByteBuf buffer, int at) {
    int w = buffer.getInt(at);
    if (w == GET_) {
      return HttpMethod.GET;
    }
    if (w == POST || w == HEAD) {
      return buffer.getByte(at + 4) != ' ' ? null : w == POST ? HttpMethod.POST : HttpMethod.HEAD;
    }
    if (w == PUT_) {
      return HttpMethod.PUT;
    }
    if (w == DELE) {
      return buffer.getShort(at + 4) == TE && buffer.getByte(at + 6) == ' '
          ? HttpMethod.DELETE
          : null;
    }
    if (w == OPTI) {
      return buffer.getInt(at + 4) == ONS_ ? HttpMethod.OPTIONS : null;
    }
    if (w == PATC) {
      return buffer.getShort(at + 4) == H_ ? HttpMethod.PATCH : null;
    }
    return null;
  }

  private static int word(String four) {
    return (four.charAt(0) << 24) | (four.charAt(1) << 16) | (four.charAt(2) << 8) | four.charAt(3);
  }
}
