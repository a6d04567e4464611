package io.aralez.dataplane.proxy;

import io.aralez.dataplane.admission.RequestServices;
import io.aralez.dataplane.config.ProxySettings;
import io.aralez.dataplane.http.ServerCodec;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty end of an HTTP/1.x client connection: its events go to the connection's {@link
 * ClientRequests}. AUTO_READ is off; the requests ask for reads.
 */
public final class ProxyHandler extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyHandler.class);

  /** Sent through the pipeline to start a graceful drain of this connection. */
  public static final Object DRAIN = new Object();

  private final ProxySettings settings;
  private final RequestServices services;
  private final RequestStart start;
  private ClientRequests requests;
  private HeadTimer headTimer;

  ProxyHandler(ProxySettings settings, RequestServices services, RequestStart start) {
    this.settings = settings;
    this.services = services;
    this.start = start;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    ChannelHandlerContext codec = ctx.pipeline().context(ServerCodec.class);
    headTimer = new HeadTimer(codec, settings.clientKeepalive(), settings.clientHeader());
    ((ServerCodec) codec.handler()).observeReads(headTimer);
    requests =
        new ClientRequests(
            settings,
            services,
            start,
            new Http1Channel(ctx),
            ClientAddress.of(ctx.channel()),
            headTimer,
            null);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    headTimer.awaitHead();
    ctx.read();
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    requests.receive(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    requests.readComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    requests.writabilityChanged();
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    headTimer.cancel();
    requests.closed();
    ctx.fireChannelInactive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == DRAIN) {
      requests.drain();
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!(cause instanceof IOException)) {
      LOG.warn("client connection {} failed", ctx.channel().remoteAddress(), cause);
    }
    ctx.close();
  }
}
