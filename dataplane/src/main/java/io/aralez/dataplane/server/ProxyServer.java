package io.aralez.dataplane.server;

import io.aralez.dataplane.config.MainConfig;
import io.aralez.dataplane.policy.RequestServices;
import io.aralez.dataplane.proxy.ProxyHandler;
import io.aralez.dataplane.proxy.ProxySettings;
import io.aralez.dataplane.proxy.UpstreamPool;
import io.aralez.dataplane.runtime.ConfigHolder;
import io.aralez.dataplane.tls.CertificateSource;
import io.aralez.dataplane.upstream.UpstreamConnector;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy listeners and their event loops. Binds with SO_REUSEPORT on epoll so a new process can
 * take over the ports while this one drains (zero-downtime upgrade).
 */
public final class ProxyServer {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);

  /**
   * Per-connection outbound buffer bounds: above the high mark a connection stops reading its peer.
   */
  private static final WriteBufferWaterMark WATER_MARK =
      new WriteBufferWaterMark(32 * 1024, 64 * 1024);

  private final MainConfig config;
  private final ConfigHolder holder;
  private final Transport transport;
  private final EventLoopGroup bossGroup;
  private final EventLoopGroup workerGroup;
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final List<Channel> listeners = new ArrayList<>();

  private final boolean takeOver;

  /**
   * @param takeOver whether to share ports with a running instance that is being replaced (the
   *     {@code -u} flag); otherwise a port in use is an error
   */
  private final UpstreamConnector connector;

  private final RequestServices services;

  public ProxyServer(
      MainConfig config,
      ConfigHolder holder,
      Transport transport,
      UpstreamConnector connector,
      io.aralez.dataplane.metrics.ProxyMetrics metrics,
      io.aralez.dataplane.logging.AccessLog accessLog,
      boolean takeOver) {
    this.connector = connector;
    this.services = RequestServices.from(config, metrics, accessLog);
    metrics.connections(connections::size);
    this.takeOver = takeOver;
    this.config = config;
    this.holder = holder;
    this.transport = transport;
    this.bossGroup = transport.newGroup(1, "aralez-accept");
    this.workerGroup = transport.newGroup(config.threads(), "aralez-loop");
  }

  /**
   * Binds the plain listener and, when configured, the TLS listener; throws if a port cannot be
   * bound.
   */
  public void start(CertificateSource certificates) throws InterruptedException {
    listeners.add(
        bind(config.proxyAddressHttp(), new FrontendInitializer(pipelines(false), connections)));
    if (config.proxyAddressTls() != null) {
      listeners.add(
          bind(
              config.proxyAddressTls(),
              new TlsInitializer(certificates, pipelines(true), connections)));
    }
  }

  /** The protocol stages of one listener, with its own settings and upstream pool. */
  private Pipelines pipelines(boolean secure) {
    ProxySettings settings = ProxySettings.from(config, secure);
    return new Pipelines(
        config.limits(),
        config.http2(),
        settings,
        holder,
        new UpstreamPool(connector, settings),
        services);
  }

  private Channel bind(InetSocketAddress address, io.netty.channel.ChannelHandler initializer)
      throws InterruptedException {
    ServerBootstrap b =
        new ServerBootstrap()
            .group(bossGroup, workerGroup)
            .channel(transport.serverChannel())
            .option(ChannelOption.SO_BACKLOG, 4096)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.AUTO_READ, false)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
            .childHandler(initializer);
    if (transport.isEpoll()) {
      MainConfig.TcpKeepalive ka = config.tcpKeepalive();
      if (ka != null) {
        b.childOption(ChannelOption.SO_KEEPALIVE, true)
            .childOption(EpollChannelOption.TCP_KEEPIDLE, ka.idleSeconds())
            .childOption(EpollChannelOption.TCP_KEEPINTVL, ka.intervalSeconds())
            .childOption(EpollChannelOption.TCP_KEEPCNT, ka.count());
      }
    } else if (config.tcpKeepalive() != null) {
      b.childOption(ChannelOption.SO_KEEPALIVE, true);
    }
    Channel ch = Ports.bind(b, transport, address, takeOver);
    LOG.info(
        "listening on {} ({}, {} event loops)",
        ch.localAddress(),
        transport.name(),
        config.threads());
    return ch;
  }

  /**
   * Graceful stop: close the listeners, let every connection finish its current exchange (idle ones
   * close at once), and wait up to {@code timeout} before closing what is left.
   */
  public void shutdown(Duration timeout) {
    for (Channel l : listeners) {
      l.close().awaitUninterruptibly();
    }
    for (Channel c : connections) {
      c.pipeline().fireUserEventTriggered(ProxyHandler.DRAIN);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!connections.isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (!connections.isEmpty()) {
      LOG.warn("{} connections still busy after {}; closing them", connections.size(), timeout);
      connections.close().awaitUninterruptibly();
    }
    workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
  }
}
