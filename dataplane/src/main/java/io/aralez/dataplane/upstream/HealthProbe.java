package io.aralez.dataplane.upstream;

import io.aralez.dataplane.config.UpstreamProtocol;
import io.aralez.dataplane.upstream.BackendRegistry.ProbeTarget;
import io.aralez.dataplane.upstream.HealthChecker.ProbeResult;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.concurrent.TimeUnit;

/** Sends one health-check request on a connected channel and reads the status. */
final class HealthProbe {
  private HealthProbe() {}

  static Future<ProbeResult> send(
      Channel ch, UpstreamProtocol proto, ProbeTarget t, HealthChecker.Settings settings) {
    Promise<ProbeResult> p = ch.eventLoop().newPromise();
    var timer =
        ch.eventLoop()
            .schedule(
                () ->
                    p.trySuccess(
                        new ProbeResult(
                            false,
                            proto,
                            "no answer within " + settings.timeout().toMillis() + " ms")),
                settings.timeout().toMillis(),
                TimeUnit.MILLISECONDS);
    p.addListener(
        f -> {
          timer.cancel(false);
          ch.close();
        });
    ch.closeFuture()
        .addListener(f -> p.trySuccess(new ProbeResult(false, proto, "connection closed")));
    FullHttpRequest req = request(settings, t);
    StatusReader reader = new StatusReader(p, proto);
    if (proto.http2()) {
      ch.pipeline()
          .addLast(Http2FrameCodecBuilder.forClient().build())
          .addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
      ch.config().setAutoRead(true);
      new Http2StreamChannelBootstrap(ch)
          .handler(
              new io.netty.channel.ChannelInitializer<Http2StreamChannel>() {
                @Override
                protected void initChannel(Http2StreamChannel s) {
                  s.pipeline()
                      .addLast(new Http2StreamFrameToHttpObjectCodec(false))
                      .addLast(reader);
                }
              })
          .open()
          .addListener(
              (Future<Http2StreamChannel> s) -> {
                if (s.isSuccess()) {
                  s.getNow().writeAndFlush(req);
                } else {
                  req.release();
                  p.trySuccess(HealthChecker.ProbeResult.failed(s.cause()));
                }
              });
    } else {
      ch.pipeline().addLast(new HttpClientCodec()).addLast(reader);
      ch.config().setAutoRead(true);
      ch.writeAndFlush(req);
    }
    return p;
  }

  private static FullHttpRequest request(HealthChecker.Settings settings, ProbeTarget t) {
    HttpMethod method = HttpMethod.valueOf(settings.method().name());
    FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, t.path());
    req.headers()
        .set(HttpHeaderNames.HOST, t.host())
        .set(HttpHeaderNames.USER_AGENT, "aralez-health")
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    if (method.equals(HttpMethod.POST)) {
      req.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
    }
    return req;
  }

  /** Completes the probe with the first response status: healthy below 500. */
  private static final class StatusReader extends ChannelInboundHandlerAdapter {
    private final Promise<ProbeResult> promise;
    private final UpstreamProtocol proto;

    StatusReader(Promise<ProbeResult> promise, UpstreamProtocol proto) {
      this.promise = promise;
      this.proto = proto;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof HttpResponse res && res.decoderResult().isFailure()) {
          promise.trySuccess(new ProbeResult(false, proto, "not an HTTP/1.1 response"));
        } else if (msg instanceof HttpResponse res) {
          int code = res.status().code();
          if (code >= 200 || code < 100) {
            promise.trySuccess(
                new ProbeResult(code < 500, proto, code < 500 ? null : "answered " + code));
          }
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      promise.trySuccess(HealthChecker.ProbeResult.failed(cause));
      ctx.close();
    }
  }
}
