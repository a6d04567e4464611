package io.aralez.dataplane.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2StreamChannel;

/**
 * Where a response goes: an HTTP/1.x connection, or one stream of an HTTP/2 connection. Writes
 * start at the proxy handler's place in the pipeline; flushes of HTTP/2 streams are batched per
 * connection.
 */
final class ClientChannel {
  private final ChannelHandlerContext ctx;
  private final boolean http2;

  ClientChannel(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    // An HTTP/2 stream: one request, then the stream ends; no keep-alive, no raw writes.
    this.http2 = ctx.channel() instanceof Http2StreamChannel;
  }

  EventLoop eventLoop() {
    return ctx.channel().eventLoop();
  }

  /** For logs. */
  Object remoteAddress() {
    return ctx.channel().remoteAddress();
  }

  boolean http2() {
    return http2;
  }

  /** A value set on the client's connection (the parent of an HTTP/2 stream), or null. */
  <T> T connectionAttr(io.netty.util.AttributeKey<T> key) {
    // Only a stream's parent is its connection; an accepted socket's parent is the listener.
    var ch = ctx.channel();
    return (http2 ? ch.parent() : ch).attr(key).get();
  }

  boolean writable() {
    return ctx.channel().isWritable();
  }

  /** Writes without flushing (the void promise: a failure closes the channel). */
  void write(Object msg) {
    ctx.write(msg, ctx.voidPromise());
  }

  /**
   * Writes {@code last} and closes once it is out. On an HTTP/2 stream the last frame ends the
   * stream only: the connection's other streams go on.
   */
  void writeAndClose(Object last) {
    if (http2) {
      ctx.writeAndFlush(last);
    } else {
      ctx.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** Closes once what was written is out. */
  void flushAndClose() {
    ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
  }

  /**
   * An HTTP/2 stream's frames are already in its connection's pipeline; the connection is flushed
   * once per round of events for all its streams ({@link ParentFlush}).
   */
  void flush() {
    if (http2) {
      ParentFlush.later(ctx.channel().parent());
    } else {
      ctx.flush();
    }
  }
}
