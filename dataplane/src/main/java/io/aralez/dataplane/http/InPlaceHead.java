package io.aralez.dataplane.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import java.util.List;

/**
 * Decodes a head whose header lines were kept ({@link HeadLines}) without Netty reading them: its
 * decoder is handed the start line and an empty header block, and the message it creates gets
 * {@link ForwardedHeaders} over the kept lines. Netty then frames the body from those headers
 * (Content-Length, Transfer-Encoding, through the same {@code HttpHeaders} calls as always) and
 * reads it from the real buffer, where the head has been skipped.
 */
final class InPlaceHead {
  private static final short CRLF = ('\r' << 8) | '\n';

  /** The decoder's own {@code decode}. */
  interface NettyDecode {
    void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception;
  }

  private InPlaceHead() {}

  /**
   * @param startLine the bytes the start line takes at the reader index, with its CRLF (and any
   *     empty lines before it)
   */
  static void decode(
      ChannelHandlerContext ctx,
      ByteBuf buffer,
      int startLine,
      HeadLines lines,
      ForwardedHeaders.Factory headers,
      NettyDecode netty,
      List<Object> out)
      throws Exception {
    ByteBuf head = ctx.alloc().heapBuffer(startLine + 2);
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
      head.release();
    }
    buffer.skipBytes(startLine + lines.length() + 2);
  }
}
