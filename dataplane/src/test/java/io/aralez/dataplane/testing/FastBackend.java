package io.aralez.dataplane.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** A small, fast HTTP/1.1 keep-alive backend on Netty, for load tests. */
public final class FastBackend implements AutoCloseable {
  private final NettyTestServer server;

  public FastBackend() throws InterruptedException {
    server =
        NettyTestServer.start(
            new ChannelInitializer<>() {
              @Override
              protected void initChannel(Channel ch) {
                ch.pipeline()
                    .addLast(new HttpServerCodec())
                    .addLast(new HttpServerKeepAliveHandler())
                    .addLast(new HttpObjectAggregator(1 << 20))
                    .addLast(
                        new SimpleChannelInboundHandler<FullHttpRequest>() {
                          @Override
                          protected void channelRead0(
                              ChannelHandlerContext ctx, FullHttpRequest req) {
                            ByteBuf body =
                                Unpooled.copiedBuffer(
                                    "ok " + req.uri() + "\n", StandardCharsets.UTF_8);
                            FullHttpResponse res =
                                new DefaultFullHttpResponse(
                                    HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
                            res.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
                            ctx.writeAndFlush(res);
                          }
                        });
              }
            });
  }

  public String address() {
    return server.address();
  }

  @Override
  public void close() {
    server.close();
  }
}
