package io.aralez.dataplane.server;

import io.aralez.dataplane.config.ProxyConfig.Passthrough;
import io.aralez.dataplane.tls.CertificateSource;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.Future;

/**
 * The TLS listener's first look at a connection: the ClientHello's SNI either names a passthrough
 * host, and the connection becomes a relay to its backend before any handshake, or it picks the
 * certificate as before. One parse of the ClientHello for both.
 */
final class PassthroughSni extends SniHandler {
  private final SniRelays relays;
  private Passthrough target;

  PassthroughSni(CertificateSource certificates, long handshakeTimeoutMillis, SniRelays relays) {
    super(certificates, handshakeTimeoutMillis);
    this.relays = relays;
  }

  @Override
  protected Future<SslContext> lookup(ChannelHandlerContext ctx, String hostname) throws Exception {
    target = hostname == null ? null : relays.target(hostname);
    if (target != null) {
      return ctx.executor().newSucceededFuture(null);
    }
    return super.lookup(ctx, hostname);
  }

  @Override
  protected void replaceHandler(ChannelHandlerContext ctx, String hostname, SslContext context)
      throws Exception {
    if (target == null) {
      super.replaceHandler(ctx, hostname, context);
      return;
    }
    // The bytes read so far (the ClientHello) go on to the relay: replace() points this handler's
    // context at its successor for exactly that.
    ctx.pipeline().remove(TlsInitializer.ALPN);
    ctx.pipeline().replace(this, "passthrough", relays.relay(target));
  }
}
