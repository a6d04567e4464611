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
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;

/** A backend that speaks only HTTP/2 over TLS (ALPN h2), built on Netty's server codec. */
public final class H2Backend implements AutoCloseable {
  private final NettyTestServer server;
  private final AtomicInteger count = new AtomicInteger();

  /**
   * @param kmf the certificate for h2 over TLS, or null for h2c (prior knowledge)
   */
  public H2Backend(KeyManagerFactory kmf) throws Exception {
    SslContext ssl =
        kmf == null
            ? null
            : SslContextBuilder.forServer(kmf)
                .applicationProtocolConfig(
                    new ApplicationProtocolConfig(
                        ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2))
                .build();
    server =
        NettyTestServer.start(
            new ChannelInitializer<>() {
              @Override
              protected void initChannel(Channel ch) {
                if (ssl != null) {
                  ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
                }
                ch.pipeline()
                    .addLast(Http2FrameCodecBuilder.forServer().build())
                    .addLast(
                        new Http2MultiplexHandler(
                            new ChannelInitializer<>() {
                              @Override
                              protected void initChannel(Channel stream) {
                                stream
                                    .pipeline()
                                    .addLast(new Http2StreamFrameToHttpObjectCodec(true))
                                    .addLast(new HttpObjectAggregator(1 << 20))
                                    .addLast(new Responder());
                              }
                            }));
              }
            });
  }

  public String address() {
    return server.address();
  }

  public int count() {
    return count.get();
  }

  private final class Responder extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      if (!"aralez-health".equals(req.headers().get(HttpHeaderNames.USER_AGENT))) {
        count.incrementAndGet();
      }
      String text =
          "backend=h2\nmethod="
              + req.method()
              + "\nuri="
              + req.uri()
              + "\nbody="
              + req.content().readableBytes()
              + "\n";
      ByteBuf body = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
      FullHttpResponse res =
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
      res.headers()
          .set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
          .set("x-backend", "h2");
      ctx.writeAndFlush(res);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
