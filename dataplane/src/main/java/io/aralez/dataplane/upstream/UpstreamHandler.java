package io.aralez.dataplane.upstream;

import io.aralez.dataplane.net.DispatchClock;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of an upstream connection. While the connection serves an exchange it forwards
 * everything to that exchange; while it sits in the pool any data or close discards it, because an
 * idle HTTP/1.1 connection that speaks is broken.
 */
public final class UpstreamHandler extends ChannelInboundHandlerAdapter {
  private UpstreamListener listener;
  private long idleSince;

  /**
   * The handler of {@code ch}, or null. It is the pipeline's last handler, found without the scan
   * and type check of {@code pipeline.get(Class)}, which cost ~1.4% of the CPU at the two pool
   * lookups per request (bench/README.md).
   */
  static UpstreamHandler of(Channel ch) {
    ChannelPipeline p = ch.pipeline();
    return p.last() instanceof UpstreamHandler h ? h : p.get(UpstreamHandler.class);
  }

  public void bind(UpstreamListener l) {
    listener = l;
  }

  /** Back in the pool since {@code now} (the event loop's ticker). */
  void unbind(long now) {
    listener = null;
    idleSince = now;
  }

  long idleSince() {
    return idleSince;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (listener != null) {
      try (var clock = DispatchClock.open(ctx.executor().ticker())) {
        listener.onUpstreamMessage(msg);
      }
    } else {
      ReferenceCountUtil.release(msg);
      ctx.close();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (listener != null) {
      listener.onUpstreamReadComplete();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (listener != null && ctx.channel().isWritable()) {
      listener.onUpstreamWritable();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    UpstreamListener l = listener;
    listener = null;
    if (l != null) {
      l.onUpstreamClosed(null);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    ReferenceCountUtil.release(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    UpstreamListener l = listener;
    listener = null;
    ctx.close();
    if (l != null) {
      l.onUpstreamClosed(cause);
    }
  }
}
