package io.aralez.dataplane.upstream;

import io.aralez.dataplane.config.HostPort;
import io.aralez.dataplane.net.SmallBufferRing;
import io.aralez.dataplane.net.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslHandler;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.time.Duration;

/**
 * Opens TCP connections to backends, with a finished TLS handshake when asked for. The caller then
 * installs the HTTP/1.1 or HTTP/2 handlers it needs. Names are resolved asynchronously; the JDK
 * resolver would block an event loop.
 */
public final class UpstreamConnector implements AutoCloseable {
  private final Transport transport;
  private final UpstreamTls tls;
  private final DnsAddressResolverGroup resolver;

  public UpstreamConnector(Transport transport, UpstreamTls tls) {
    this.transport = transport;
    this.tls = tls;
    this.resolver =
        new DnsAddressResolverGroup(
            new DnsNameResolverBuilder()
                .datagramChannelType(transport.datagramChannel())
                .socketChannelType(transport.socketChannel()));
  }

  public UpstreamTls tls() {
    return tls;
  }

  /**
   * Connects to {@code address} on {@code loop}.
   *
   * @param alpn null for plain TCP, otherwise TLS offering these protocols
   * @param sni the server name to send (the request's host), or null
   * @return the connected channel (handshake done), AUTO_READ off, with only the SslHandler
   *     installed
   */
  public Future<Channel> connect(
      EventLoop loop, HostPort address, UpstreamTls.Alpn alpn, String sni, Duration timeout) {
    return connect(loop, address, alpn, sni, timeout, null);
  }

  /**
   * The same with a route's own TLS settings.
   *
   * @param spec the route's upstream TLS, or null for the process's
   */
  public Future<Channel> connect(
      EventLoop loop,
      HostPort address,
      UpstreamTls.Alpn alpn,
      String sni,
      Duration timeout,
      io.aralez.dataplane.config.UpstreamTlsSpec spec) {
    Promise<Channel> promise = loop.newPromise();
    int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    Bootstrap b =
        new Bootstrap()
            .group(loop)
            .channel(transport.channel())
            .resolver(resolver)
            // TCP_NODELAY is on already: the transport's socket config sets it when it is made.
            .option(ChannelOption.AUTO_READ, false)
            .option(ChannelOption.SO_KEEPALIVE, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, millis)
            .option(ChannelOption.ALLOCATOR, SmallBufferRing.SHARED)
            .handler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    transport.guard(ch.pipeline());
                    if (alpn != null) {
                      String peer = sni != null ? sni : address.host();
                      SslHandler ssl =
                          (spec == null ? tls.context(alpn) : tls.context(alpn, spec))
                              .newHandler(ch.alloc(), peer, address.port());
                      ssl.setHandshakeTimeoutMillis(millis);
                      ch.pipeline()
                          .addLast("tls", ssl)
                          .addLast(HANDSHAKE_ERRORS, new HandshakeErrors());
                    }
                  }
                });
    ChannelFuture cf = b.connect(address.toConnectAddress());
    cf.addListener(
        (ChannelFuture f) -> {
          if (!f.isSuccess()) {
            promise.tryFailure(f.cause());
            return;
          }
          Channel ch = f.channel();
          SslHandler ssl = ch.pipeline().get(SslHandler.class);
          if (ssl == null) {
            promise.trySuccess(ch);
            return;
          }
          // The handshake needs reads while the channel is otherwise driven explicitly.
          ch.read();
          ssl.handshakeFuture()
              .addListener(
                  h -> {
                    if (h.isSuccess()) {
                      ch.pipeline().remove(HANDSHAKE_ERRORS);
                      promise.trySuccess(ch);
                    } else {
                      ch.close();
                      promise.tryFailure(h.cause());
                    }
                  });
        });
    return promise;
  }

  @Override
  public void close() {
    resolver.close();
  }

  private static final String HANDSHAKE_ERRORS = "handshake-errors";

  /** A failed handshake is reported through the promise; its exception event ends here. */
  private static final class HandshakeErrors extends io.netty.channel.ChannelInboundHandlerAdapter {
    @Override
    public void exceptionCaught(io.netty.channel.ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
