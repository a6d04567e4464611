package io.aralez.dataplane.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * Keeps reads from outliving the channel's close. On io_uring a close waits for the channel's write
 * in flight; a read asked for in between, or asked for earlier in the same read completion, arms a
 * fresh POLLIN that the close does not cancel, and that poll keeps the socket alive after its
 * descriptor is closed: the peer never sees the FIN and waits (a client reading a {@code
 * Connection: close} answer to its end). Seen with Netty 4.2.18 and its one-shot POLLIN ({@link
 * Transport#singleShotPollIn}); ConnectionEndsTest. Sits first in the pipeline, so every read and
 * close from any handler passes it.
 */
final class ReadsAfterClose extends ChannelOutboundHandlerAdapter {
  private boolean closing;

  @Override
  public void read(ChannelHandlerContext ctx) {
    if (!closing) {
      ctx.read();
    }
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    closing = true;
    ctx.close(promise);
    forgetPendingRead(ctx.channel());
  }

  /** A stream socket's disconnect is its close. */
  @Override
  public void disconnect(ChannelHandlerContext ctx, ChannelPromise promise) {
    close(ctx, promise);
  }

  /**
   * A read asked for before the close, in the same read completion (the proxy asks for the next
   * request's bytes, then answers locally and closes), is still pending in the channel, and the
   * completion would arm its POLLIN after the close. Turning auto-read off clears a pending read;
   * Netty's public way there is on and off again (the read that turning it on asks for is dropped
   * by {@link #read} above).
   */
  private static void forgetPendingRead(Channel ch) {
    ChannelConfig config = ch.config();
    if (ch.isOpen() && !config.isAutoRead()) {
      config.setAutoRead(true);
      config.setAutoRead(false);
    }
  }
}
