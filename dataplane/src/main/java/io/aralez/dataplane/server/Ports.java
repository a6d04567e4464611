package io.aralez.dataplane.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Port checks done before binding with SO_REUSEPORT. */
public final class Ports {
  private Ports() {}

  /**
   * Fails when another process listens on {@code address}. Listeners use SO_REUSEPORT so an upgrade
   * can take over the port; without this check a second instance started by mistake would silently
   * share the traffic.
   */
  public static void checkFree(InetSocketAddress address) {
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
