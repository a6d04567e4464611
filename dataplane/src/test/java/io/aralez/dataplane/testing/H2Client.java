package io.aralez.dataplane.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2MultiplexHandler;

/** A raw h2c client connection (prior knowledge) whose streams a test opens frame by frame. */
public final class H2Client {
  private H2Client() {}

  public static Channel connect(EventLoopGroup group, int port, Http2FrameCodec codec)
      throws InterruptedException {
    return new Bootstrap()
        .group(group)
        .channel(NioSocketChannel.class)
        .handler(
            new ChannelInitializer<>() {
              @Override
              protected void initChannel(Channel ch) {
                ch.pipeline()
                    .addLast(codec)
                    .addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
              }
            })
        .connect("127.0.0.1", port)
        .sync()
        .channel();
  }
}
