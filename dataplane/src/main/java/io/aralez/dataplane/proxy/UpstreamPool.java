package io.aralez.dataplane.proxy;

import io.aralez.dataplane.config.HostPort;
import io.aralez.dataplane.http.ClientCodec;
import io.aralez.dataplane.server.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Upstream HTTP/1.1 connections, pooled per event loop: a connection is only ever used by the loop
 * that owns the client connection, so no lock and no thread hop is needed. Idle connections are
 * capped per backend and loop ({@code upstream_keepalive_pool_size}) and closed after the idle
 * timeout; a connection that failed or ended mid-exchange is never returned here.
 */
public final class UpstreamPool {
  /** Response head limits towards upstreams; bodies are streamed and not limited here. */
  private static final int MAX_RESPONSE_LINE = 16 * 1024;

  private static final int MAX_RESPONSE_HEADERS = 64 * 1024;

  /** A pool key: one backend address. */
  record Key(HostPort address) {}

  private final Transport transport;
  private final ProxySettings settings;
  private final DnsAddressResolverGroup resolver;
  private final FastThreadLocal<Map<Key, ArrayDeque<Channel>>> idle =
      new FastThreadLocal<>() {
        @Override
        protected Map<Key, ArrayDeque<Channel>> initialValue() {
          return new HashMap<>();
        }
      };

  public UpstreamPool(Transport transport, ProxySettings settings) {
    this.transport = transport;
    this.settings = settings;
    // Names in upstreams.yaml are resolved asynchronously; the JDK resolver would block a loop.
    this.resolver =
        new DnsAddressResolverGroup(
            new DnsNameResolverBuilder()
                .datagramChannelType(
                    transport.isEpoll()
                        ? io.netty.channel.epoll.EpollDatagramChannel.class
                        : io.netty.channel.socket.nio.NioDatagramChannel.class)
                .socketChannelType(
                    transport.channel().asSubclass(io.netty.channel.socket.SocketChannel.class)));
  }

  /** An idle pooled connection to {@code address} on this loop, or null. Loop thread only. */
  Channel pollIdle(EventLoop loop, HostPort address) {
    ArrayDeque<Channel> q = idle.get().get(new Key(address));
    if (q == null) {
      return null;
    }
    long maxIdle = settings.upstreamIdleTimeout().toNanos();
    Channel ch;
    while ((ch = q.pollLast()) != null) {
      UpstreamHandler h = ch.pipeline().get(UpstreamHandler.class);
      if (ch.isActive() && h != null && System.nanoTime() - h.idleSince() < maxIdle) {
        return ch;
      }
      ch.close();
    }
    return null;
  }

  /** Opens a new connection on {@code loop}. */
  ChannelFuture connect(EventLoop loop, HostPort address) {
    Key key = new Key(address);
    Bootstrap b =
        new Bootstrap()
            .group(loop)
            .channel(transport.channel())
            .resolver(resolver)
            .option(ChannelOption.AUTO_READ, false)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_KEEPALIVE, true)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis()))
            .handler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    HttpDecoderConfig decoder =
                        new HttpDecoderConfig()
                            .setMaxInitialLineLength(MAX_RESPONSE_LINE)
                            .setMaxHeaderSize(MAX_RESPONSE_HEADERS)
                            .setMaxChunkSize(64 * 1024);
                    ch.pipeline()
                        .addLast(
                            "idle",
                            new IdleStateHandler(
                                0,
                                0,
                                settings.upstreamIdleTimeout().toMillis(),
                                TimeUnit.MILLISECONDS))
                        .addLast("codec", new ClientCodec(decoder))
                        .addLast("upstream", new UpstreamHandler(key));
                  }
                });
    return b.connect(address.toConnectAddress());
  }

  /** Returns a connection after a complete, reusable exchange. Loop thread only. */
  void release(Channel ch) {
    UpstreamHandler h = ch.pipeline().get(UpstreamHandler.class);
    if (h == null || !ch.isActive() || settings.keepalivePoolSize() == 0) {
      ch.close();
      return;
    }
    h.unbind();
    ArrayDeque<Channel> q = idle.get().computeIfAbsent(h.key(), k -> new ArrayDeque<>());
    if (q.size() >= settings.keepalivePoolSize()) {
      ch.close();
      return;
    }
    q.addLast(ch);
    // Keep one read pending so a close (or stray bytes) from the server is noticed while idle.
    ch.read();
  }

  public void close() {
    resolver.close();
  }
}
