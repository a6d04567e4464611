package io.aralez.dataplane.proxy;

import io.aralez.dataplane.http.ServerCodec;
import io.aralez.dataplane.net.DispatchClock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.Ticker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Two deadlines on an HTTP/1.x client connection, both absolute so that trickling bytes cannot
 * extend them (slowloris): the keep-alive timeout while waiting for the first byte of a request,
 * then the header timeout until the whole request head has been parsed. It sees the connection's
 * raw bytes through the codec ({@link ServerCodec.Reads}) rather than as a handler of its own in
 * front of it: one pipeline place and one pass per read fewer on every client connection. The
 * proxy's requests tell it when a head arrived and when the connection waits again.
 */
final class HeadTimer implements ServerCodec.Reads {
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

  // The codec's context: the 408 is written below the codec, as raw bytes.
  private final ChannelHandlerContext codec;
  private final Ticker ticker;
  private final LazyTimer timer;
  private Phase phase = Phase.IDLE;

  /** When the current phase ends the connection (the loop's ticker), or 0 for no deadline. */
  private long deadline;

  /**
   * Watches the connection of {@code codec}, the context of its {@link ServerCodec}, once the codec
   * tells it of the reads ({@link ServerCodec#observeReads}).
   */
  HeadTimer(ChannelHandlerContext codec, Duration keepalive, Duration header) {
    this.keepaliveNanos = keepalive.toNanos();
    this.headerNanos = header.toNanos();
    this.tickNanos = LazyTimer.positiveMin(keepaliveNanos, headerNanos);
    this.codec = codec;
    this.ticker = codec.executor().ticker();
    this.timer = new LazyTimer(codec.executor(), this::onTimer);
  }

  @Override
  public void arriving(ByteBuf bytes) {
    if (phase == Phase.IDLE && bytes.isReadable()) {
      phase = Phase.HEAD;
      setDeadline(headerNanos);
    }
  }

  /** The connection closed: no deadline matters any more. */
  void cancel() {
    timer.cancel();
  }

  /** The connection now waits for a new request (after connect or after a response). */
  void awaitHead() {
    phase = Phase.IDLE;
    setDeadline(keepaliveNanos);
  }

  /** A request head was decoded: no deadline applies until the exchange ends. */
  void headReceived() {
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
    // A head being served has no deadline (headReceived cleared it); nor has a tunnel.
    if (!codec.channel().isActive() || deadline == 0) {
      return;
    }
    long now = DispatchClock.now(ticker);
    long left = deadline - now;
    if (left > 0) {
      timer.wakeWithin(Math.min(left, tickNanos));
      return;
    }
    if (phase == Phase.HEAD) {
      codec.writeAndFlush(TIMEOUT_RESPONSE.duplicate()).addListener(ChannelFutureListener.CLOSE);
    } else {
      codec.close();
    }
  }
}
