package io.aralez.dataplane.server;

import io.aralez.dataplane.net.DispatchClock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;

/**
 * Bounds the RST_STREAM frames an HTTP/2 connection makes us send (MadeYouReset, CVE-2025-55163): a
 * client whose frames keep getting its streams reset (WINDOW_UPDATE of 0, malformed headers...)
 * gets GOAWAY(ENHANCE_YOUR_CALM) and loses the connection. Netty's own limit on sent resets does
 * not see the resets its connection handler writes for stream errors, so they are counted here, on
 * the wire side of the codec, where each RST_STREAM is one 13-byte buffer. RST_STREAM(NO_ERROR) is
 * not counted: the proxy sends it only after a stream's complete response, to stop a request body
 * nobody reads (RFC 9113 §8.1), so no work is left behind it.
 */
final class ResetGuard extends ChannelDuplexHandler {
  private static final int RST_STREAM = 0x3;
  private static final int RST_FRAME_LENGTH = 13;

  private final int max;
  private final long windowNanos;
  private long windowStart;
  private int count;
  private boolean tripped;

  ResetGuard(int maxPerWindow, int windowSeconds) {
    this.max = maxPerWindow;
    this.windowNanos = windowSeconds * 1_000_000_000L;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    boolean reset =
        msg instanceof ByteBuf b
            && b.readableBytes() == RST_FRAME_LENGTH
            && b.getByte(b.readerIndex() + 3) == RST_STREAM
            && b.getInt(b.readerIndex() + 9) != 0;
    ctx.write(msg, promise);
    if (reset && !tripped && over()) {
      tripped = true;
      Http2FrameCodec codec = ctx.pipeline().get(Http2FrameCodec.class);
      ChannelHandlerContext codecCtx = codec == null ? null : ctx.pipeline().context(codec);
      if (codecCtx == null) {
        ctx.close();
        return;
      }
      int last = codec.connection().remote().lastStreamCreated();
      codec
          .goAway(
              codecCtx,
              last,
              Http2Error.ENHANCE_YOUR_CALM.code(),
              Unpooled.EMPTY_BUFFER,
              codecCtx.newPromise())
          .addListener(ChannelFutureListener.CLOSE);
      codecCtx.flush();
    }
  }

  private boolean over() {
    long now = DispatchClock.now();
    if (count == 0 || now - windowStart > windowNanos) {
      windowStart = now;
      count = 0;
    }
    return ++count > max;
  }
}
