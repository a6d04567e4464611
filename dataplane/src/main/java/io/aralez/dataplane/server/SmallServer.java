package io.aralez.dataplane.server;

import io.aralez.dataplane.net.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A side listener (admin API, file server) on its own single event loop, so whatever it does never
 * holds up proxied traffic, and proxy load never starves it.
 */
public final class SmallServer {
  private final EventLoopGroup group;
  private final Channel listener;

  private SmallServer(EventLoopGroup group, Channel listener) {
    this.group = group;
    this.listener = listener;
  }

  public static SmallServer start(
      Transport transport,
      String threadName,
      InetSocketAddress address,
      boolean takeOver,
      ChannelInitializer<Channel> initializer)
      throws InterruptedException {
    EventLoopGroup group = transport.newGroup(1, threadName);
    ServerBootstrap b =
        new ServerBootstrap()
            .group(group)
            .channel(transport.serverChannel())
            .childHandler(transport.guarded(initializer));
    try {
      return new SmallServer(group, Ports.bind(b, transport, address, takeOver));
    } catch (RuntimeException | InterruptedException e) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) listener.localAddress();
  }

  public void stop() {
    listener.close().awaitUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
  }
}
