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
  private static final HttpMethod[] METHODS = {
    HttpMethod.GET,
    HttpMethod.POST,
    HttpMethod.HEAD,
    HttpMethod.PUT,
    HttpMethod.DELETE,
    HttpMethod.OPTIONS,
    HttpMethod.PATCH
  };

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

  /** The method the line at {@code at} starts with, when it is a common one; otherwise null. */
  private static HttpMethod method(ByteBuf buffer, int at) {
    for (HttpMethod m : METHODS) {
      String name = m.name();
      int n = name.length();
      if (buffer.writerIndex() - at > n && buffer.getByte(at + n) == ' ') {
        int i = 0;
        while (i < n && buffer.getByte(at + i) == name.charAt(i)) {
          i++;
        }
        if (i == n) {
          return m;
        }
      }
    }
    return null;
  }
}
