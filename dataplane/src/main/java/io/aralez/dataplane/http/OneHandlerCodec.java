package io.aralez.dataplane.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.MessageToMessageEncoder;

/**
 * A decoder and an encoder in one pipeline place, both running on this handler's own context.
 * Netty's {@code CombinedChannelDuplexHandler} gives each half a delegating context of its own and
 * takes part in every event, flush and read requests included; here the pipeline skips this handler
 * for everything but the events the halves handle (the skipped methods are inherited from {@link
 * ChannelDuplexHandler}), and each handled event is one direct call. On a proxied HTTP/1.1 request
 * that is a few megamorphic calls fewer on each of its two connections, and two contexts fewer per
 * connection to walk through (bench/README.md, seventeenth session).
 *
 * <p>The halves must only use the context they are given: both are Netty's HTTP codecs, which do.
 */
abstract class OneHandlerCodec extends ChannelDuplexHandler {
  private ByteToMessageDecoder decoder;
  private MessageToMessageEncoder<?> encoder;

  /** Called once from the subclass's constructor (the halves are its inner classes). */
  final void init(ByteToMessageDecoder decoder, MessageToMessageEncoder<?> encoder) {
    this.decoder = decoder;
    this.encoder = encoder;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    decoder.channelRead(ctx, msg);
  }

  @Override
  public final void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
    decoder.channelReadComplete(ctx);
  }

  @Override
  public final void channelInactive(ChannelHandlerContext ctx) throws Exception {
    decoder.channelInactive(ctx);
  }

  @Override
  public final void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    decoder.userEventTriggered(ctx, evt);
  }

  /** Hands bytes the decoder holds on (a tunnel takes over after a 101) and frees its state. */
  @Override
  public final void handlerRemoved(ChannelHandlerContext ctx) throws Exception {
    decoder.handlerRemoved(ctx);
  }

  @Override
  public final void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
      throws Exception {
    encoder.write(ctx, msg, promise);
  }
}
