package io.aralez.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.dataplane.net.Transport;
import io.aralez.dataplane.testing.EchoBackend;
import io.aralez.dataplane.testing.ProxyHarness;
import io.netty.channel.ChannelOption;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every transport the proxy can run on serves the same traffic: keep-alive and a new connection per
 * request, a body upstream; its accepted connections have TCP_NODELAY. io_uring is the default
 * where the kernel allows it (the machines this suite runs on, Linux 6.x, do), epoll the fallback
 * (bench/README.md).
 */
class TransportIT {
  @TempDir Path dir;

  @Test
  void theDefaultIsIoUringAndEpollIsOneFlagAway() {
    String before = System.clearProperty("aralez.transport");
    try {
      assertThat(Transport.detect().name()).isEqualTo("io_uring");
      System.setProperty("aralez.transport", "epoll");
      assertThat(Transport.detect().name()).isEqualTo("epoll");
      System.setProperty("aralez.transport", "NIO");
      assertThat(Transport.detect().name()).isEqualTo("nio");
      // A typo is not a silent downgrade: warned about, and the default is used.
      System.setProperty("aralez.transport", "io-uring");
      assertThat(Transport.detect().name()).isEqualTo("io_uring");
      // The wake-up fault Netty's multishot POLLIN has (ConnectionEndsTest) stays switched off.
      assertThat(io.netty.channel.uring.IoUring.isPollAddMultishotEnabled()).isFalse();
    } finally {
      if (before == null) {
        System.clearProperty("aralez.transport");
      } else {
        System.setProperty("aralez.transport", before);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"io_uring", "epoll", "nio"})
  void eachTransportProxies(String transport) throws Exception {
    String before = System.getProperty("aralez.transport");
    System.setProperty("aralez.transport", transport);
    try (EchoBackend backend = new EchoBackend("t");
        ProxyHarness proxy =
            ProxyHarness.start(
                dir,
                "",
                "DEFAULT:\n  paths:\n    \"/\": {servers: [\"" + backend.address() + "\"]}\n")) {
      assertThat(proxy.dataplane().proxy().transport()).isEqualTo(transport);
      HttpClient keepAlive = HttpClient.newHttpClient();
      for (int i = 0; i < 20; i++) {
        HttpResponse<String> r =
            keepAlive.send(
                HttpRequest.newBuilder(URI.create(proxy.base() + "/k" + i))
                    .POST(HttpRequest.BodyPublishers.ofString("x".repeat(100_000)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
      }
      // The bootstrap leaves TCP_NODELAY to the transport's own default (one system call per
      // accepted connection fewer): every accepted connection must still have it, or each small
      // response could wait on Nagle's algorithm for the client's delayed ACK.
      assertThat(proxy.dataplane().proxy().clientConnections())
          .isNotEmpty()
          .allSatisfy(ch -> assertThat(ch.config().getOption(ChannelOption.TCP_NODELAY)).isTrue());
      for (int i = 0; i < 5; i++) {
        // A fresh client: a new connection each time (accept on every loop's listener).
        HttpResponse<String> r =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(URI.create(proxy.base() + "/n" + i)).build(),
                    HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
      }
    } finally {
      if (before == null) {
        System.clearProperty("aralez.transport");
      } else {
        System.setProperty("aralez.transport", before);
      }
    }
  }
}
