package io.aralez.dataplane.server;

import io.aralez.dataplane.admission.RequestServices;
import io.aralez.dataplane.config.MainConfig;
import io.aralez.dataplane.config.ProxySettings;
import io.aralez.dataplane.net.SmallBufferRing;
import io.aralez.dataplane.net.Transport;
import io.aralez.dataplane.proxy.ProxyHandler;
import io.aralez.dataplane.runtime.ConfigHolder;
import io.aralez.dataplane.tls.CertificateSource;
import io.aralez.dataplane.upstream.UpstreamConnector;
import io.aralez.dataplane.upstream.UpstreamPool;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy listeners and their event loops. Binds with SO_REUSEPORT (io_uring, epoll) so a new
 * process can take over the ports while this one drains (zero-downtime upgrade), and so that every
 * event loop has its own listening socket: a connection is accepted, read and answered by one
 * thread, as in nginx with {@code reuseport}; there is no acceptor thread handing connections over.
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
  private final EventLoopGroup workerGroup;
  private final ClientConnections clients;
  private final ChannelGroup connections;
  private final List<Channel> listeners = new ArrayList<>();
  private ConnectionWarmUp warmUp;

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
      io.aralez.dataplane.admission.ChallengeAnswers challenges,
      boolean takeOver) {
    this.connector = connector;
    var pressure = new DirectMemoryPressure(config.overload().directMemoryPercent());
    this.services =
        RequestServices.from(config, metrics, accessLog)
            .withChallenges(challenges)
            .withPressure(pressure);
    this.clients =
        new ClientConnections(
            config.overload().maxClientConnections(), pressure, metrics::rejected);
    this.connections = clients.group();
    metrics.connections(connections::size);
    this.takeOver = takeOver;
    this.config = config;
    this.holder = holder;
    this.transport = transport;
    this.workerGroup = transport.newGroup(config.threads(), "aralez-loop");
  }

  /**
   * Binds the plain listener and, when configured, the TLS listener; throws if a port cannot be
   * bound.
   */
  public void start(CertificateSource certificates) throws InterruptedException {
    InetSocketAddress plain =
        bind(config.proxyAddressHttp(), new FrontendInitializer(pipelines(false), clients));
    warmUp = ConnectionWarmUp.start(plain, config.warmUpConnections(), clients);
    if (config.proxyAddressTls() != null) {
      ProxySettings tls = ProxySettings.from(config, true);
      SniRelays relays =
          new SniRelays(
              holder, connector, tls.connectTimeout(), tls.websocketIdle(), services.metrics());
      bind(
          config.proxyAddressTls(),
          new TlsInitializer(certificates, pipelines(true), clients, relays));
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

  /** Binds one listener (a socket per event loop where the transport shares ports); its address. */
  private InetSocketAddress bind(
      InetSocketAddress address, io.netty.channel.ChannelHandler initializer)
      throws InterruptedException {
    // Native transports: one listener per loop, each loop its own parent and child group, so
    // accepting and serving a connection never crosses threads (measured: the acceptor thread was
    // a quarter of the CPU with a new connection per request, plus a wake-up per connection). NIO
    // has no SO_REUSEPORT: one listener on one of the loops.
    List<EventLoopGroup> acceptors = new ArrayList<>();
    if (transport.reusePort()) {
      for (io.netty.util.concurrent.EventExecutor loop : workerGroup) {
        acceptors.add((io.netty.channel.EventLoop) loop);
      }
    } else {
      acceptors.add(workerGroup);
    }
    InetSocketAddress at = address;
    boolean shared = takeOver;
    for (EventLoopGroup group : acceptors) {
      // The first socket checks the port is free (unless taking over); the others share it.
      Channel ch = Ports.bind(bootstrap(group, initializer), transport, at, shared);
      shared = true;
      // Port 0: the others join the port the first one got.
      at = (InetSocketAddress) ch.localAddress();
      listeners.add(ch);
    }
    LOG.info(
        "listening on {} ({}, {} event loops, listening sockets: {})",
        at,
        transport.name(),
        config.threads(),
        acceptors.size());
    return at;
  }

  private ServerBootstrap bootstrap(
      EventLoopGroup group, io.netty.channel.ChannelHandler initializer) {
    ServerBootstrap b =
        new ServerBootstrap()
            .group(group)
            .channel(transport.serverChannel())
            .option(ChannelOption.SO_BACKLOG, 4096)
            .option(ChannelOption.SO_REUSEADDR, true)
            // No TCP_NODELAY here: every transport's socket config turns it on when it is made,
            // and setting it again cost a system call per accepted connection (bench/README.md,
            // nineteenth session). TransportIT checks accepted connections have it.
            .childOption(ChannelOption.AUTO_READ, false)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
            .childOption(ChannelOption.ALLOCATOR, SmallBufferRing.SHARED)
            .childHandler(transport.guarded(initializer));
    MainConfig.TcpKeepalive ka = config.tcpKeepalive();
    if (ka != null) {
      transport.keepalive(b, ka.idleSeconds(), ka.intervalSeconds(), ka.count());
    }
    return b;
  }

  /**
   * How many connections the start-up warm-up ({@code warm_up_connections}) made, once it ended.
   */
  public CompletableFuture<Integer> warmUp() {
    return warmUp == null ? CompletableFuture.completedFuture(0) : warmUp.done();
  }

  /** The I/O transport serving the listeners: epoll, io_uring or nio. */
  public String transport() {
    return transport.name();
  }

  /** The open client connections, read-only: for checks of what each one was set up with. */
  public Collection<Channel> clientConnections() {
    return Collections.unmodifiableCollection(connections);
  }

  /**
   * Graceful stop: close the listeners, let every connection finish its current exchange (idle ones
   * close at once), and wait up to {@code timeout} before closing what is left.
   */
  public void shutdown(Duration timeout) {
    if (warmUp != null) {
      warmUp.stop();
    }
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
  }
}
