package io.aralez.dataplane.testing;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

/** A WebSocket echo server (Netty's protocol handler) used as a backend. */
public final class WsEchoBackend implements AutoCloseable {
  private final NettyTestServer server;

  public WsEchoBackend() throws InterruptedException {
    server =
        NettyTestServer.start(
            new ChannelInitializer<>() {
              @Override
              protected void initChannel(Channel ch) {
                ch.pipeline()
                    .addLast(new HttpServerCodec())
                    .addLast(new HttpObjectAggregator(65536))
                    .addLast(
                        new WebSocketServerProtocolHandler(
                            WebSocketServerProtocolConfig.newBuilder()
                                .websocketPath("/ws")
                                .maxFramePayloadLength(16 * 1024 * 1024)
                                .checkStartsWith(true)
                                .build()))
                    .addLast(new WebSocketFrameAggregator(16 * 1024 * 1024))
                    .addLast(
                        new SimpleChannelInboundHandler<WebSocketFrame>() {
                          @Override
                          protected void channelRead0(
                              ChannelHandlerContext ctx, WebSocketFrame frame) {
                            ctx.writeAndFlush(frame.retainedDuplicate());
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
