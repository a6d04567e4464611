package io.aralez.dataplane.admin;

import io.aralez.dataplane.proxy.LocalResponses;
import io.aralez.dataplane.runtime.ConfigHolder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;

/** Routes admin requests. */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private final ConfigHolder holder;

  AdminHandler(ConfigHolder holder) {
    this.holder = holder;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    if (req.decoderResult().isFailure()) {
      send(ctx, req, LocalResponses.status(ctx.alloc(), HttpResponseStatus.BAD_REQUEST));
      return;
    }
    QueryStringDecoder q = new QueryStringDecoder(req.uri());
    boolean get = req.method().equals(HttpMethod.GET) || req.method().equals(HttpMethod.HEAD);
    FullHttpResponse res =
        switch (q.path()) {
          case "/status" -> get ? status(ctx, q) : notAllowed(ctx);
          case "/healthz" ->
              get
                  ? LocalResponses.text(ctx.alloc(), HttpResponseStatus.OK, "ok\n")
                  : notAllowed(ctx);
          case "/readyz" ->
              !get
                  ? notAllowed(ctx)
                  : holder.loaded()
                      ? LocalResponses.text(ctx.alloc(), HttpResponseStatus.OK, "ready\n")
                      : LocalResponses.text(
                          ctx.alloc(),
                          HttpResponseStatus.SERVICE_UNAVAILABLE,
                          "no config loaded yet\n");
          default -> LocalResponses.status(ctx.alloc(), HttpResponseStatus.NOT_FOUND);
        };
    send(ctx, req, res);
  }

  private FullHttpResponse status(ChannelHandlerContext ctx, QueryStringDecoder q) {
    StatusReport.View view =
        q.parameters().containsKey("live")
            ? StatusReport.View.LIVE
            : q.parameters().containsKey("all") ? StatusReport.View.ALL : StatusReport.View.FULL;
    FullHttpResponse res =
        LocalResponses.text(
            ctx.alloc(), HttpResponseStatus.OK, StatusReport.render(holder.current(), view));
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
    return res;
  }

  private static FullHttpResponse notAllowed(ChannelHandlerContext ctx) {
    FullHttpResponse res =
        LocalResponses.status(ctx.alloc(), HttpResponseStatus.METHOD_NOT_ALLOWED);
    res.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
    return res;
  }

  private static void send(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse res) {
    HttpUtil.setKeepAlive(res, HttpUtil.isKeepAlive(req));
    if (req.method().equals(HttpMethod.HEAD)) {
      ByteBuf body = res.content();
      body.clear();
    }
    ctx.writeAndFlush(res);
  }
}
