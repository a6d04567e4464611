package io.aralez.dataplane.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A loopback port that was free a moment ago, and not handed out before by this JVM: the kernel may
 * give the same ephemeral port to two binds in a row, and a test that asks for two ports (proxy and
 * admin) must never get one twice.
 */
public final class FreePort {
  private static final int REMEMBERED = 4096;
  private static final Set<Integer> GIVEN = new LinkedHashSet<>();

  private FreePort() {}

  public static int get() {
    for (int attempt = 0; ; attempt++) {
      int port;
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        port = s.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      synchronized (GIVEN) {
        if (GIVEN.add(port) || attempt > 100) {
          if (GIVEN.size() > REMEMBERED) {
            GIVEN.remove(GIVEN.iterator().next());
          }
          return port;
        }
      }
    }
  }
}
