package io.aralez.dataplane.proxy;

import io.aralez.dataplane.net.DispatchClock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.Ticker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Two deadlines on a client connection, both absolute so that trickling bytes cannot extend them
 * (slowloris): the keep-alive timeout while waiting for the first byte of a request, then the
 * header timeout until the whole request head has been parsed. Sits in front of the HTTP codec so
 * it sees raw bytes; the proxy handler tells it when a head arrived and when it waits again. Being
 * the first handler of an HTTP/1.1 connection, it opens the read's {@link DispatchClock} window.
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

  /** Longest a pending timer may sleep before it looks again; a new request never reschedules. */
  private final long tickNanos;

  private ChannelHandlerContext ctx;
  private Ticker ticker;
  private Phase phase = Phase.IDLE;

  /** When the current phase ends the connection (the loop's ticker), or 0 for no deadline. */
  private long deadline;

  private LazyTimer timer;

  public HeadTimeoutHandler(Duration keepalive, Duration header) {
    this.keepaliveNanos = keepalive.toNanos();
    this.headerNanos = header.toNanos();
    this.tickNanos = LazyTimer.positiveMin(keepaliveNanos, headerNanos);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.ticker = ctx.executor().ticker();
    this.timer = new LazyTimer(ctx.executor(), this::onTimer);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    awaitHead();
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try (var clock = DispatchClock.open(ticker)) {
      if (phase == Phase.IDLE && msg instanceof ByteBuf buf && buf.isReadable()) {
        phase = Phase.HEAD;
        setDeadline(headerNanos);
      }
      ctx.fireChannelRead(msg);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    timer.cancel();
    ctx.fireChannelInactive();
  }

  /** The connection now waits for a new request (after connect or after a response). */
  public void awaitHead() {
    phase = Phase.IDLE;
    setDeadline(keepaliveNanos);
  }

  /** A request head was decoded: no deadline applies until the exchange ends. */
  public void headReceived() {
    phase = Phase.BUSY;
    deadline = 0;
  }

  /**
   * Moves the deadline; the connection's one timer wakes at most every {@code tickNanos} and
   * compares the clock with the deadline, so moving it costs no timer operation in the common case.
   */
  private void setDeadline(long nanos) {
    if (nanos <= 0) {
      deadline = 0;
      return;
    }
    deadline = DispatchClock.now(ticker) + nanos;
    timer.wakeWithin(Math.min(nanos, tickNanos));
  }

  private void onTimer() {
    // A head being served has no deadline (headReceived cleared it).
    if (!ctx.channel().isActive() || deadline == 0) {
      return;
    }
    long now = DispatchClock.now(ticker);
    long left = deadline - now;
    if (left > 0) {
      timer.wakeWithin(Math.min(left, tickNanos));
      return;
    }
    if (phase == Phase.HEAD) {
      ctx.writeAndFlush(TIMEOUT_RESPONSE.duplicate()).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.close();
    }
  }
}
