package io.aralez.dataplane.admin;

import io.aralez.dataplane.net.Transport;
import io.aralez.dataplane.server.SmallServer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
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

  private final SmallServer server;

  private AdminServer(SmallServer server) {
    this.server = server;
  }

  public static AdminServer start(Transport transport, AdminContext context, boolean takeOver)
      throws InterruptedException {
    KeyFailures failures = new KeyFailures();
    SmallServer server =
        SmallServer.start(
            transport,
            "aralez-admin",
            context.config().configAddress(),
            takeOver,
            new ChannelInitializer<>() {
              @Override
              protected void initChannel(Channel c) {
                c.pipeline()
                    .addLast(new ReadTimeoutHandler(30, TimeUnit.SECONDS))
                    .addLast(new HttpServerCodec())
                    .addLast(new HttpServerKeepAliveHandler())
                    .addLast(new HttpObjectAggregator(MAX_BODY))
                    .addLast(new AdminHandler(context, failures));
              }
            });
    LOG.info("admin API on {}", server.address());
    return new AdminServer(server);
  }

  public InetSocketAddress address() {
    return server.address();
  }

  public void stop() {
    server.stop();
  }
}
