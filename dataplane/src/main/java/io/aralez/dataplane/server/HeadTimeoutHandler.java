package io.aralez.dataplane.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Two deadlines on a client connection, both absolute so that trickling bytes cannot extend them
 * (slowloris): the keep-alive timeout while waiting for the first byte of a request, then the
 * header timeout until the whole request head has been parsed. Sits in front of the HTTP codec so
 * it sees raw bytes; the proxy handler tells it when a head arrived and when it waits again.
 */
public final class HeadTimeoutHandler extends ChannelInboundHandlerAdapter {
  private static final ByteBuf TIMEOUT_RESPONSE =
      Unpooled.unreleasableBuffer(
          Unpooled.copiedBuffer(
              "HTTP/1.1 408 Request Timeout\r\nServer: aralez\r\nConnection: close\r\n"
                  + "Content-Length: 0\r\n\r\n",
              StandardCharsets.US_ASCII));

  private enum Phase {
    IDLE,
    HEAD,
    BUSY
  }

  private final long keepaliveNanos;
  private final long headerNanos;
  private ChannelHandlerContext ctx;
  private Phase phase = Phase.IDLE;
  private ScheduledFuture<?> timer;

  public HeadTimeoutHandler(Duration keepalive, Duration header) {
    this.keepaliveNanos = keepalive.toNanos();
    this.headerNanos = header.toNanos();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    awaitHead();
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (phase == Phase.IDLE && msg instanceof ByteBuf buf && buf.isReadable()) {
      phase = Phase.HEAD;
      schedule(headerNanos, true);
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancel();
    ctx.fireChannelInactive();
  }

  /** The connection now waits for a new request (after connect or after a response). */
  public void awaitHead() {
    phase = Phase.IDLE;
    schedule(keepaliveNanos, false);
  }

  /** A request head was decoded: no deadline applies until the exchange ends. */
  public void headReceived() {
    phase = Phase.BUSY;
    cancel();
  }

  private void schedule(long nanos, boolean answer408) {
    cancel();
    if (nanos <= 0) {
      return;
    }
    timer =
        ctx.executor()
            .schedule(
                () -> {
                  if (!ctx.channel().isActive() || phase == Phase.BUSY) {
                    return;
                  }
                  if (answer408) {
                    ctx.writeAndFlush(TIMEOUT_RESPONSE.duplicate())
                        .addListener(ChannelFutureListener.CLOSE);
                  } else {
                    ctx.close();
                  }
                },
                nanos,
                TimeUnit.NANOSECONDS);
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
