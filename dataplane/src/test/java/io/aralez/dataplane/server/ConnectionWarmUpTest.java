package io.aralez.dataplane.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What the warm-up's connections do on the wire, seen by a plain server socket in place of the
 * proxy: the first of every three sends the start of a request line and resets, the others end with
 * a FIN and wait for the server's close. (ConnectionWarmUpIT runs them against the proxy.)
 */
class ConnectionWarmUpTest {
  private static final String PARTIAL = "GET /aralez-warm-up HTTP/1.1";

  @Test
  void theFirstOfEveryThreeResetsWhileTheServerReads() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      server.setSoTimeout(30_000);
      ConnectionWarmUp w =
          ConnectionWarmUp.start(
              new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()),
              6,
              new ClientConnections(1, () -> false, reason -> {}));
      for (int round = 0; round < 2; round++) {
        try (Socket reset = server.accept()) {
          assertOwnOnce(w, reset);
          assertThat(readPrefix(reset, PARTIAL.length())).isEqualTo(PARTIAL);
          // No FIN: the next read fails with the reset the client's close sent.
          assertThatThrownBy(() -> readToEnd(reset))
              .isInstanceOf(SocketException.class)
              .hasMessageContaining("reset");
        }
        try (Socket empty = server.accept()) {
          assertOwnOnce(w, empty);
          assertThat(readToEnd(empty)).isEmpty();
        }
        try (Socket partial = server.accept()) {
          assertOwnOnce(w, partial);
          assertThat(readToEnd(partial)).isEqualTo(PARTIAL);
        }
      }
      assertThat(w.done().get(30, TimeUnit.SECONDS)).isEqualTo(6);
    }
  }

  /** The listener recognises each of the warm-up's connections once, and nothing else. */
  private static void assertOwnOnce(ConnectionWarmUp w, Socket accepted) throws IOException {
    InetSocketAddress peer = (InetSocketAddress) accepted.getRemoteSocketAddress();
    assertThat(w.own(new InetSocketAddress(peer.getAddress(), peer.getPort() ^ 1))).isFalse();
    // As a dual-stack listener sees it: ::ffff:127.0.0.1.
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    System.arraycopy(peer.getAddress().getAddress(), 0, mapped, 12, 4);
    InetSocketAddress dualStack =
        new InetSocketAddress(Inet6Address.getByAddress(null, mapped, null), peer.getPort());
    assertThat(w.own(dualStack)).isTrue();
    assertThat(w.own(peer)).as("a port the system hands out again later").isFalse();
  }

  @Test
  void kindsTakeTurnsResetFirst() {
    assertThat(ConnectionWarmUp.Kind.of(0)).isEqualTo(ConnectionWarmUp.Kind.RESET_WHILE_READING);
    assertThat(ConnectionWarmUp.Kind.of(1)).isEqualTo(ConnectionWarmUp.Kind.EMPTY);
    assertThat(ConnectionWarmUp.Kind.of(2)).isEqualTo(ConnectionWarmUp.Kind.PARTIAL_THEN_CLOSE);
    assertThat(ConnectionWarmUp.Kind.of(3)).isEqualTo(ConnectionWarmUp.Kind.RESET_WHILE_READING);
  }

  private static String readPrefix(Socket s, int n) throws IOException {
    s.setSoTimeout(30_000);
    byte[] b = s.getInputStream().readNBytes(n);
    return new String(b, StandardCharsets.US_ASCII);
  }

  /** Everything until the client's FIN (the client waits for this side's close after it). */
  private static String readToEnd(Socket s) throws IOException {
    s.setSoTimeout(30_000);
    InputStream in = s.getInputStream();
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buf = new byte[256];
    for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
      all.write(buf, 0, n);
    }
    return all.toString(StandardCharsets.US_ASCII);
  }
}
