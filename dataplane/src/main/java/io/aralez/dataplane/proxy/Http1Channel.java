package io.aralez.dataplane.proxy;

import io.aralez.dataplane.upstream.UpstreamPool;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.util.AttributeKey;
import java.time.Duration;

/** An HTTP/1.x client connection, written from the proxy handler's place in its pipeline. */
final class Http1Channel implements ClientChannel {
  private final ChannelHandlerContext ctx;

  Http1Channel(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public EventLoop eventLoop() {
    return ctx.channel().eventLoop();
  }

  @Override
  public ByteBufAllocator alloc() {
    return ctx.alloc();
  }

  @Override
  public Object remoteAddress() {
    return ctx.channel().remoteAddress();
  }

  @Override
  public boolean http2() {
    return false;
  }

  @Override
  public <T> T connectionAttr(AttributeKey<T> key) {
    return ctx.channel().attr(key).get();
  }

  @Override
  public boolean writable() {
    return ctx.channel().isWritable();
  }

  @Override
  public void write(Object msg) {
    ctx.write(msg, ctx.voidPromise());
  }

  @Override
  public void flush() {
    ctx.flush();
  }

  @Override
  public void read() {
    ctx.read();
  }

  @Override
  public void writeAndClose(Object last) {
    ctx.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void flushAndClose() {
    ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void close() {
    ctx.close();
  }

  @Override
  public void tunnel(UpstreamPool.Lease upstream, Duration idle) {
    Tunnels.join(ctx.pipeline(), ctx.handler(), upstream, idle);
  }
}
