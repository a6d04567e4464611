package io.aralez.dataplane.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import java.util.List;

/**
 * On the plain listener: a connection that opens with the HTTP/2 preface is h2c with prior
 * knowledge (for gRPC without TLS); anything else is HTTP/1.x. The HTTP/1.1 {@code Upgrade: h2c}
 * dance is not offered (a known smuggling vector): its Upgrade header is dropped like any other.
 */
final class PlainProtocolDetector extends ByteToMessageDecoder {
  private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();
  private final Pipelines pipelines;

  PlainProtocolDetector(Pipelines pipelines) {
    this.pipelines = pipelines;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    // Nothing above is installed yet; read the first bytes to decide.
    ctx.read();
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    int n = Math.min(in.readableBytes(), PREFACE.readableBytes());
    if (!ByteBufUtil.equals(in, in.readerIndex(), PREFACE, 0, n)) {
      decide(ctx, false);
    } else if (n == PREFACE.readableBytes()) {
      decide(ctx, true);
    }
    // else: a prefix of the preface so far; wait for more bytes (the decoder reads on).
  }

  private void decide(ChannelHandlerContext ctx, boolean h2c) {
    if (h2c) {
      pipelines.installHttp2(ctx.pipeline());
    } else {
      pipelines.installHttp1(ctx.pipeline());
    }
    ctx.fireChannelActive();
    // Removing the decoder hands the bytes read so far to the stage just installed.
    ctx.pipeline().remove(this);
  }
}
