package io.aralez.dataplane.server;

import io.aralez.dataplane.tls.CertificateSource;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;

/**
 * Composes a TLS client connection: SNI picks the certificate (or a passthrough host's relay), ALPN
 * picks HTTP/2 or HTTP/1.1.
 */
final class TlsInitializer extends ChannelInitializer<Channel> {
  private static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;
  static final String ALPN = "alpn";

  private final CertificateSource certificates;
  private final Pipelines pipelines;
  private final ClientConnections connections;
  private final SniRelays relays;

  TlsInitializer(
      CertificateSource certificates,
      Pipelines pipelines,
      ClientConnections connections,
      SniRelays relays) {
    this.certificates = certificates;
    this.pipelines = pipelines;
    this.connections = connections;
    this.relays = relays;
  }

  @Override
  protected void initChannel(Channel ch) {
    if (!connections.admit(ch)) {
      return;
    }
    ch.pipeline()
        .addLast("read-on-active", new ReadOnActive())
        .addLast("sni", new PassthroughSni(certificates, HANDSHAKE_TIMEOUT_MILLIS, relays))
        .addLast(ALPN, new Alpn());
  }

  /** AUTO_READ is off: the handshake needs its first read. */
  private static final class ReadOnActive extends ChannelInboundHandlerAdapter {
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.read();
      ctx.pipeline().remove(this);
    }
  }

  private final class Alpn extends ApplicationProtocolNegotiationHandler {
    Alpn() {
      super(ApplicationProtocolNames.HTTP_1_1);
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
      pipelines.services().metrics().tlsHandshake(true);
      var ssl = ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class);
      if (ssl != null) {
        var peer = io.aralez.dataplane.tls.ClientChain.of(ssl.engine().getSession());
        if (peer != null) {
          ctx.channel().attr(io.aralez.dataplane.tls.ClientChain.KEY).set(peer);
        }
      }
      if (ssl != null && sni != null) {
        ctx.channel()
            .attr(io.aralez.dataplane.tls.ServedNames.KEY)
            .set(io.aralez.dataplane.tls.ServedNames.of(sni, ssl.engine().getSession()));
      }
      if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
        pipelines.installHttp2(ctx.pipeline());
      } else {
        pipelines.installHttp1(ctx.pipeline());
      }
      ctx.fireChannelActive();
    }

    /** The name the client asked for, once the SNI handler read it. */
    private String sni;

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof io.netty.handler.ssl.SniCompletionEvent e && e.isSuccess()) {
        sni = e.hostname();
      }
      super.userEventTriggered(ctx, evt);
    }

    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
      pipelines.services().metrics().tlsHandshake(false);
      ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // A client that cannot finish a handshake (plain HTTP on the TLS port, unknown ciphers,
      // a scanner) is closed without noise.
      ctx.close();
    }
  }
}
