package io.aralez.dataplane.admin;

import io.aralez.dataplane.runtime.ConfigHolder;
import io.aralez.dataplane.server.Ports;
import io.aralez.dataplane.server.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API on {@code config_address}: status, health and readiness. It has its own event loop
 * so it keeps answering when the proxy is saturated.
 */
public final class AdminServer {
  private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

  /** Request bodies are small documents; anything larger is refused. */
  static final int MAX_BODY = 4 * 1024 * 1024;

  private final EventLoopGroup group;
  private final Channel listener;

  private AdminServer(EventLoopGroup group, Channel listener) {
    this.group = group;
    this.listener = listener;
  }

  public static AdminServer start(
      Transport transport,
      io.aralez.dataplane.config.MainConfig config,
      ConfigHolder holder,
      io.aralez.dataplane.metrics.ProxyMetrics metrics,
      boolean takeOver)
      throws InterruptedException {
    InetSocketAddress address = config.configAddress();
    KeyFailures failures = new KeyFailures();
    EventLoopGroup group = transport.newGroup(1, "aralez-admin");
    ServerBootstrap b =
        new ServerBootstrap()
            .group(group)
            .channel(transport.serverChannel())
            .childHandler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel c) {
                    c.pipeline()
                        .addLast(new ReadTimeoutHandler(30, TimeUnit.SECONDS))
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpServerKeepAliveHandler())
                        .addLast(new HttpObjectAggregator(MAX_BODY))
                        .addLast(new AdminHandler(config, holder, metrics, failures));
                  }
                });
    Channel ch;
    try {
      ch = Ports.bind(b, transport, address, takeOver);
    } catch (RuntimeException | InterruptedException e) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
    LOG.info("admin API on {}", ch.localAddress());
    return new AdminServer(group, ch);
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) listener.localAddress();
  }

  public void stop() {
    listener.close().awaitUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
  }
}
