package io.aralez.dataplane.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;

/**
 * Decodes a head whose header lines can be kept ({@link HeadLines}) without Netty reading them, for
 * one decoder: Netty is handed the start line and an empty header block, and the message it creates
 * gets {@link ForwardedHeaders} over the kept lines. Netty then frames the body from those headers
 * (Content-Length, Transfer-Encoding, through the same {@code HttpHeaders} calls as always) and
 * reads it from the real buffer, where the head has been skipped.
 */
final class InPlaceHead {
  private static final short CRLF = ('\r' << 8) | '\n';

  /** The decoder's own {@code decode} (kept in a field by the decoder: no object per call). */
  interface NettyDecode {
    void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception;
  }

  /** A way to read a whole message from its kept lines without Netty's decoder at all. */
  interface Shortcut {
    /**
     * @param startLine the bytes the start line takes at the reader index, with its CRLF
     * @return true having read the message and added its objects to {@code out}; false having read
     *     nothing
     */
    boolean take(ByteBuf buffer, int startLine, HeadLines lines, List<Object> out);
  }

  private static final Shortcut NONE = (buffer, startLine, lines, out) -> false;

  private final HeadLines.Scanner scanner = new HeadLines.Scanner();
  private final Factory headers;
  private final BodyEndTrailers trailers;
  private final int maxHeaderSize;
  private final Shortcut shortcut;

  /**
   * The start line handed to Netty, one buffer per connection used again for every head: Netty
   * reads it into the message's own fields and keeps none of it. A buffer from the allocator per
   * head cost ~1.7% of the CPU (two heads per proxied request, bench/README.md). Plain heap memory
   * that the collector reclaims with the connection; created at the first head.
   */
  private ByteBuf startLines;

  /**
   * @param shortcut reads the usual messages whole; null: none, every head goes to Netty
   */
  InPlaceHead(HttpDecoderConfig config, Shortcut shortcut) {
    this.headers = new Factory(config.getHeadersFactory());
    this.trailers = new BodyEndTrailers(config.getTrailersFactory());
    this.maxHeaderSize = config.getMaxHeaderSize();
    this.shortcut = shortcut == null ? NONE : shortcut;
  }

  /**
   * The configuration for the decoder: the same, with headers that can be read in place and
   * trailers that are not made where none can come ({@link BodyEndTrailers}).
   */
  HttpDecoderConfig decoderConfig(HttpDecoderConfig config) {
    return trailers.in(config.clone().setHeadersFactory(headers));
  }

  /** The decoder has read {@code message}'s head (see {@link BodyEndTrailers#headRead}). */
  void headRead(HttpMessage message) {
    trailers.headRead(message);
  }

  /**
   * Whether a body of {@code length} bytes (negative: not framed plainly by length) follows the
   * {@code head} bytes at the reader index whole, and fits in one chunk of the decoder.
   */
  static boolean bodyIsWhole(ByteBuf buffer, int head, long length, int maxChunk) {
    return length >= 0 && length <= maxChunk && length <= buffer.readableBytes() - head;
  }

  /**
   * Adds a message a shortcut read whole as Netty's decoder adds it: the head object, then its body
   * of {@code length} bytes after the {@code head} bytes at the reader index, skipping both.
   */
  static void addWhole(
      HttpMessage message, ByteBuf buffer, int head, long length, List<Object> out) {
    out.add(message);
    ByteBuf body = skipToBody(buffer, head, length);
    out.add(
        length == 0
            ? LastHttpContent.EMPTY_LAST_CONTENT
            : new DefaultLastHttpContent(body, BodyEndTrailers.NONE));
  }

  /**
   * Skips the {@code head} bytes at the reader index and reads the whole body of {@code length}
   * bytes after them: a retained slice, or the empty buffer.
   */
  static ByteBuf skipToBody(ByteBuf buffer, int head, long length) {
    buffer.skipBytes(head);
    return length == 0 ? Unpooled.EMPTY_BUFFER : buffer.readRetainedSlice((int) length);
  }

  /**
   * Decodes the head at the reader index in place when its lines are whole and strictly formed.
   *
   * @param startLine the bytes the start line takes at the reader index, with its CRLF (and any
   *     empty lines before it)
   * @return false, having read nothing, when the head must go through Netty's decoder as usual
   */
  boolean decode(
      ChannelHandlerContext ctx, ByteBuf buffer, int startLine, NettyDecode netty, List<Object> out)
      throws Exception {
    HeadLines lines = scanner.scan(buffer, buffer.readerIndex() + startLine, maxHeaderSize);
    if (lines == null) {
      return false;
    }
    if (shortcut.take(buffer, startLine, lines, out)) {
      return true;
    }
    ByteBuf head = startLines;
    if (head == null) {
      head = startLines = Unpooled.buffer(startLine + 2);
    }
    head.clear();
    try {
      head.writeBytes(buffer, buffer.readerIndex(), startLine).writeShort(CRLF);
      headers.next(new ForwardedHeaders(lines));
      netty.decode(ctx, head, out);
      if (head.isReadable()) {
        // Only possible if the decoder was not at a message boundary: never guess a framing.
        throw new DecoderException("head not taken whole by the decoder");
      }
    } finally {
      headers.next(null);
    }
    buffer.skipBytes(startLine + lines.length() + 2);
    return true;
  }

  /** The capacity of the start-line buffer (tests: it must not grow with the requests served). */
  int startLineCapacity() {
    return startLines == null ? 0 : startLines.capacity();
  }

  /**
   * A decoder's headers factory: the headers of a head read in place when the decoder has them
   * ready ({@link #next}), otherwise the decoder's usual ones.
   */
  private static final class Factory implements HttpHeadersFactory {
    private final HttpHeadersFactory usual;
    private HttpHeaders next;

    Factory(HttpHeadersFactory usual) {
      this.usual = usual;
    }

    /** The headers for the message the decoder creates next (null: the usual ones). */
    void next(HttpHeaders headers) {
      next = headers;
    }

    @Override
    public HttpHeaders newHeaders() {
      HttpHeaders h = next;
      if (h == null) {
        return usual.newHeaders();
      }
      next = null;
      return h;
    }

    @Override
    public HttpHeaders newEmptyHeaders() {
      return usual.newEmptyHeaders();
    }
  }
}
