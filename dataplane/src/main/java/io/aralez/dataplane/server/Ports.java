package io.aralez.dataplane.server;

import io.aralez.dataplane.net.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Binding listeners. Every listener uses SO_REUSEPORT (io_uring, epoll) so that a new process
 * started with {@code -u} can bind the same ports while the old one drains; without {@code -u} a
 * port already in use is an error, so a second instance started by mistake never silently shares
 * the traffic.
 */
public final class Ports {
  private Ports() {}

  public static Channel bind(
      ServerBootstrap b, Transport transport, InetSocketAddress address, boolean takeOver)
      throws InterruptedException {
    if (!takeOver) {
      checkFree(address);
    }
    transport.reusePort(b);
    return b.bind(address).sync().channel();
  }

  /** Fails when another process listens on {@code address}. */
  static void checkFree(InetSocketAddress address) {
    if (address.getPort() == 0) {
      return;
    }
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(address);
    } catch (BindException e) {
      throw new UncheckedIOException(
          new BindException(
              address + " is already in use (start with -u to take over from a running Aralez)"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
