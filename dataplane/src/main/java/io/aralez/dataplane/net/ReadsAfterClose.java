package io.aralez.dataplane.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.unix.Errors;

/**
 * Keeps reads from outliving the channel's close. On io_uring a close waits for the channel's write
 * in flight; a read asked for in between, or asked for earlier in the same read completion, arms a
 * fresh POLLIN that the close does not cancel, and that poll keeps the socket alive after its
 * descriptor is closed: the peer never sees the FIN and waits (a client reading a {@code
 * Connection: close} answer to its end). Seen with Netty 4.2.18 and its one-shot POLLIN ({@link
 * Transport#singleShotPollIn}); ConnectionEndsTest. Sits first in the pipeline, so every read and
 * close from any handler passes it, and it sees a failed read before any other handler.
 */
final class ReadsAfterClose extends ChannelDuplexHandler {
  private boolean closing;

  @Override
  public void read(ChannelHandlerContext ctx) {
    if (!closing) {
      ctx.read();
    }
  }

  /**
   * A read that fails (a peer's reset) reaches us after Netty has fired read-complete for it, and
   * the next read has already been asked for there (by auto-read or by the proxy, which asks for
   * the next request's bytes at each read's end); the failure then closes the channel, and the
   * completion acts on that read with the input closed: {@code doBeginReadNow}'s early return, a
   * branch the JIT prunes from Netty's read completion until it is first taken, then recompiles for
   * a third of a second on the loop's core — at the first reset of every mass disconnect
   * (bench/README.md, twenty-eighth session). Clearing the read here keeps the completion off that
   * branch. Only the transport's own errors: no channel here allows half-closure, so a failed read
   * always closes it.
   */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof Errors.NativeIoException) {
      clearPendingRead(ctx.channel());
    }
    ctx.fireExceptionCaught(cause);
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
    if (ch.isOpen() && !ch.config().isAutoRead()) {
      clearPendingRead(ch);
    }
  }

  /** Leaves auto-read off and no read pending, whichever way auto-read was set. */
  private static void clearPendingRead(Channel ch) {
    ChannelConfig config = ch.config();
    if (!config.isAutoRead()) {
      config.setAutoRead(true);
    }
    config.setAutoRead(false);
  }
}
