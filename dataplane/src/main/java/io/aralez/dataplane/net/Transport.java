package io.aralez.dataplane.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O transport: io_uring where the kernel and the seccomp profile allow it, native epoll where
 * they do not, NIO where neither loads. {@code -Daralez.transport=epoll} or {@code nio} picks one
 * explicitly. io_uring spent 4–24% less CPU per request than epoll on every benchmark test
 * (bench/README.md, nineteenth session); it runs with Netty's one-shot POLLIN ({@link
 * #singleShotPollIn}).
 */
public record Transport(
    String name,
    IoHandlerFactory ioHandlerFactory,
    Class<? extends ServerChannel> serverChannel,
    Class<? extends Channel> channel,
    Class<? extends DatagramChannel> datagramChannel) {

  private static final Logger LOG = LoggerFactory.getLogger(Transport.class);
  private static final String MULTISHOT_POLL_IN = "io.netty.iouring.pollAddMultishotEnabled";
  private static final List<String> KNOWN = List.of("auto", "io_uring", "epoll", "nio");

  public static Transport detect() {
    return named(System.getProperty("aralez.transport", "auto"));
  }

  /**
   * The transport asked for by name: {@code auto} (io_uring, else epoll, else NIO), {@code
   * io_uring} (the same, with a warning when it is not available), {@code epoll} (else NIO), {@code
   * nio}. An unknown name is warned about and taken as {@code auto}.
   */
  public static Transport named(String name) {
    String wanted = name.toLowerCase(Locale.ROOT);
    if (!KNOWN.contains(wanted)) {
      LOG.warn("aralez.transport={} is not one of {}: using auto", name, KNOWN);
      wanted = "auto";
    }
    if (wanted.equals("auto") || wanted.equals("io_uring")) {
      singleShotPollIn();
      if (IoUring.isAvailable()) {
        if (IoUring.isPollAddMultishotEnabled()) {
          LOG.warn(
              "io_uring with multishot POLLIN ({}): a peer's reset right after its last bytes can"
                  + " go unnoticed",
              MULTISHOT_POLL_IN);
        }
        return new Transport(
            "io_uring",
            IoUringIoHandler.newFactory(),
            IoUringServerSocketChannel.class,
            IoUringSocketChannel.class,
            IoUringDatagramChannel.class);
      }
      // Container runtimes' default seccomp profiles refuse io_uring: expected there, not a fault.
      String cause = String.valueOf(IoUring.unavailabilityCause());
      if (wanted.equals("io_uring")) {
        LOG.warn("io_uring is not available here ({}): using epoll or NIO", cause);
      } else {
        LOG.info("io_uring is not available here ({}): using epoll or NIO", cause);
      }
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

  /**
   * Netty's io_uring channels wait for data with a multishot POLLIN by default, and that loses a
   * wake-up (seen on Netty 4.2.18 and 4.2.21): when a peer's last bytes and its reset arrive as one
   * wake-up, the read takes the bytes, the next read the channel is asked for waits on the poll
   * that already fired, and the channel stays open with the peer gone — a client left waiting on a
   * backend that died mid-response (ConnectionEndsTest). A one-shot POLLIN is armed afresh for each
   * wait and reports a reset that is already there. Must run before Netty's IoUring class is first
   * used: it reads the property once. A value the operator set is kept.
   *
   * <p>Accepts stay multishot (Netty's default): a one-shot accept saves the getpeername of each
   * new connection but pays it back in accept submissions (bench/README.md, twenty-first session).
   */
  private static void singleShotPollIn() {
    if (System.getProperty(MULTISHOT_POLL_IN) == null) {
      System.setProperty(MULTISHOT_POLL_IN, "false");
    }
  }

  /**
   * Puts {@link ReadsAfterClose} first on a new channel's pipeline where the transport needs it.
   */
  public void guard(ChannelPipeline pipeline) {
    if (needsGuard()) {
      pipeline.addFirst("reads-after-close", new ReadsAfterClose());
    }
  }

  /** {@code initializer}, behind {@link #guard} on every accepted connection. */
  public ChannelHandler guarded(ChannelHandler initializer) {
    if (!needsGuard()) {
      return initializer;
    }
    return new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel ch) {
        guard(ch.pipeline());
        ch.pipeline().addLast(initializer);
      }
    };
  }

  private boolean needsGuard() {
    return name.equals("io_uring");
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

  // Linux's option numbers (<netinet/tcp.h>, <asm-generic/socket.h>); the native transports run
  // on Linux only.
  private static final int SOL_SOCKET = 1;
  private static final int IPPROTO_TCP = 6;
  private static final IntegerUnixChannelOption LISTENER_KEEPALIVE =
      new IntegerUnixChannelOption("SO_KEEPALIVE", SOL_SOCKET, 9);
  private static final IntegerUnixChannelOption LISTENER_KEEPIDLE =
      new IntegerUnixChannelOption("TCP_KEEPIDLE", IPPROTO_TCP, 4);
  private static final IntegerUnixChannelOption LISTENER_KEEPINTVL =
      new IntegerUnixChannelOption("TCP_KEEPINTVL", IPPROTO_TCP, 5);
  private static final IntegerUnixChannelOption LISTENER_KEEPCNT =
      new IntegerUnixChannelOption("TCP_KEEPCNT", IPPROTO_TCP, 6);

  /**
   * Kernel TCP keepalive on accepted connections. The native transports set it and its timings on
   * the listening socket, which Linux copies to every connection it accepts: set on each accepted
   * connection instead, it cost four system calls per connection. NIO cannot set it on a listener,
   * nor the timings at all.
   */
  public void keepalive(ServerBootstrap b, int idleSeconds, int intervalSeconds, int count) {
    if (name.equals("nio")) {
      b.childOption(ChannelOption.SO_KEEPALIVE, true);
      return;
    }
    b.option(LISTENER_KEEPALIVE, 1)
        .option(LISTENER_KEEPIDLE, idleSeconds)
        .option(LISTENER_KEEPINTVL, intervalSeconds)
        .option(LISTENER_KEEPCNT, count);
  }

  public EventLoopGroup newGroup(int threads, String threadName) {
    return new MultiThreadIoEventLoopGroup(
        threads, new DefaultThreadFactory(threadName, true), ioHandlerFactory);
  }
}
