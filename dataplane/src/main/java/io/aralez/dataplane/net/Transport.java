package io.aralez.dataplane.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O transport: native epoll where it loads, NIO where it does not; io_uring when asked for
 * with {@code -Daralez.transport=io_uring} and the kernel allows it (else epoll or NIO), {@code
 * nio} forces NIO. io_uring spent 4–24% less CPU per request than epoll on every benchmark test but
 * is not the default: on it a backend's reset after part of a response body went unnoticed in about
 * half the runs of UpstreamFailureIT (bench/README.md, nineteenth session).
 */
public record Transport(
    String name,
    IoHandlerFactory ioHandlerFactory,
    Class<? extends ServerChannel> serverChannel,
    Class<? extends Channel> channel,
    Class<? extends DatagramChannel> datagramChannel) {

  private static final Logger LOG = LoggerFactory.getLogger(Transport.class);

  public static Transport detect() {
    String wanted = System.getProperty("aralez.transport", "auto").toLowerCase(Locale.ROOT);
    if (wanted.equals("io_uring")) {
      if (IoUring.isAvailable()) {
        return new Transport(
            "io_uring",
            IoUringIoHandler.newFactory(),
            IoUringServerSocketChannel.class,
            IoUringSocketChannel.class,
            IoUringDatagramChannel.class);
      }
      LOG.warn(
          "io_uring is not available here ({}): using epoll or NIO",
          String.valueOf(IoUring.unavailabilityCause()));
    }
    if (!wanted.equals("nio") && Epoll.isAvailable()) {
      return new Transport(
          "epoll",
          EpollIoHandler.newFactory(),
          EpollServerSocketChannel.class,
          EpollSocketChannel.class,
          EpollDatagramChannel.class);
    }
    return new Transport(
        "nio",
        NioIoHandler.newFactory(),
        NioServerSocketChannel.class,
        NioSocketChannel.class,
        NioDatagramChannel.class);
  }

  public Class<? extends io.netty.channel.socket.SocketChannel> socketChannel() {
    return channel.asSubclass(io.netty.channel.socket.SocketChannel.class);
  }

  /** Native transports can give every event loop its own listening socket (SO_REUSEPORT). */
  public boolean reusePort() {
    return !name.equals("nio");
  }

  /** Sets SO_REUSEPORT on a native listener. */
  public void reusePort(ServerBootstrap b) {
    if (reusePort()) {
      b.option(UnixChannelOption.SO_REUSEPORT, true);
    }
  }

  /** Kernel TCP keepalive on accepted connections; native transports also set its timings. */
  public void keepalive(ServerBootstrap b, int idleSeconds, int intervalSeconds, int count) {
    b.childOption(ChannelOption.SO_KEEPALIVE, true);
    switch (name) {
      case "epoll" ->
          b.childOption(EpollChannelOption.TCP_KEEPIDLE, idleSeconds)
              .childOption(EpollChannelOption.TCP_KEEPINTVL, intervalSeconds)
              .childOption(EpollChannelOption.TCP_KEEPCNT, count);
      case "io_uring" ->
          b.childOption(IoUringChannelOption.TCP_KEEPIDLE, idleSeconds)
              .childOption(IoUringChannelOption.TCP_KEEPINTVL, intervalSeconds)
              .childOption(IoUringChannelOption.TCP_KEEPCNT, count);
      default -> {}
    }
  }

  public EventLoopGroup newGroup(int threads, String threadName) {
    return new MultiThreadIoEventLoopGroup(
        threads, new DefaultThreadFactory(threadName, true), ioHandlerFactory);
  }
}
