package io.aralez.dataplane.aot;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The upstreams of a training run: plain HTTP/1.1 servers on loopback in the training driver's
 * process (never in the proxy's, whose profiles are what the run records), answering every request
 * with a short body, as the benchmark's backends do; {@code /chunked} answers chunked.
 */
final class TrainingBackends implements AutoCloseable {
  private static final byte[] BODY =
      ("ok training backend " + "x".repeat(80)).getBytes(StandardCharsets.US_ASCII);

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final List<Channel> listeners = new ArrayList<>();

  /** Starts {@code count} backends on ephemeral loopback ports. */
  static TrainingBackends start(int count) throws InterruptedException {
    TrainingBackends b = new TrainingBackends();
    for (int i = 0; i < count; i++) {
      b.listeners.add(b.listen());
    }
    return b;
  }

  private Channel listen() throws InterruptedException {
    return new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childHandler(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                ch.pipeline()
                    .addLast(new HttpServerCodec())
                    .addLast(new HttpObjectAggregator(1 << 20))
                    .addLast(new Answer());
              }
            })
        .bind("127.0.0.1", 0)
        .sync()
        .channel();
  }

  /** The backends' addresses as {@code host:port}. */
  List<String> addresses() {
    List<String> out = new ArrayList<>();
    for (Channel c : listeners) {
      InetSocketAddress a = (InetSocketAddress) c.localAddress();
      out.add("127.0.0.1:" + a.getPort());
    }
    return out;
  }

  @Override
  public void close() {
    for (Channel c : listeners) {
      c.close().syncUninterruptibly();
    }
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static final class Answer extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      ByteBuf body = Unpooled.wrappedBuffer(BODY);
      FullHttpResponse res =
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
      res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
      if (req.uri().startsWith("/chunked")) {
        HttpUtil.setTransferEncodingChunked(res, true);
      } else {
        HttpUtil.setContentLength(res, BODY.length);
      }
      boolean keepAlive = HttpUtil.isKeepAlive(req);
      HttpUtil.setKeepAlive(res, keepAlive);
      if (keepAlive) {
        ctx.writeAndFlush(res);
      } else {
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
