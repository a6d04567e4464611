package io.aralez.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.dataplane.net.Transport;
import io.aralez.dataplane.testing.EchoBackend;
import io.aralez.dataplane.testing.ProxyHarness;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every transport the proxy can run on serves the same traffic: keep-alive and a new connection per
 * request, a body upstream; its accepted connections have TCP_NODELAY, and the configured TCP
 * keepalive; the client's address, IPv4 or IPv6, reaches the backend through a dual-stack listener.
 * io_uring is the default where the kernel allows it (the machines this suite runs on, Linux 6.x,
 * do), epoll the fallback (bench/README.md).
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
      assertThat(IoUring.isPollAddMultishotEnabled()).isFalse();
    } finally {
      restore(before);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"io_uring", "epoll", "nio"})
  void eachTransportProxies(String transport) throws Exception {
    try (EchoBackend backend = new EchoBackend("t");
        ProxyHarness proxy = startOn(transport, "127.0.0.1", "", backend)) {
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
        assertThat(freshClientGet(proxy.base() + "/n" + i).statusCode()).isEqualTo(200);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"io_uring", "epoll", "nio"})
  void theClientAddressIsTheOneItConnectedFrom(String transport) throws Exception {
    // Listening on [::]: IPv4 clients arrive as IPv4-mapped IPv6 addresses, IPv6 ones as they are.
    try (EchoBackend backend = new EchoBackend("t");
        ProxyHarness proxy = startOn(transport, "[::]", "", backend)) {
      for (String client : new String[] {"127.0.0.1", "[::1]", "127.0.0.1", "[::1]"}) {
        // A fresh client each time: every request is a new accepted connection.
        HttpResponse<String> r = freshClientGet("http://" + client + ":" + proxy.port() + "/a");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(InetAddress.getByName(backend.last().header("X-Forwarded-For")))
            .as("X-Forwarded-For of a client connecting from %s", client)
            .isEqualTo(InetAddress.getByName(client.replaceAll("[\\[\\]]", "")));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"io_uring", "epoll", "nio"})
  void configuredTcpKeepaliveIsOnEveryAcceptedConnection(String transport) throws Exception {
    try (EchoBackend backend = new EchoBackend("t");
        ProxyHarness proxy =
            startOn(
                transport,
                "127.0.0.1",
                "tcp_keepalive_idle: 31\ntcp_keepalive_interval: 7\ntcp_keepalive_count: 4\n",
                backend)) {
      assertThat(freshClientGet(proxy.base() + "/k").statusCode()).isEqualTo(200);
      // Read back from the kernel (Netty's getters call getsockopt on the accepted socket): the
      // native transports set these on the listener only, and rely on Linux copying them.
      assertThat(proxy.dataplane().proxy().clientConnections())
          .isNotEmpty()
          .allSatisfy(
              ch -> {
                assertThat(ch.config().getOption(ChannelOption.SO_KEEPALIVE)).isTrue();
                if (!transport.equals("nio")) {
                  assertThat(keepaliveTimings(ch, transport)).containsExactly(31, 7, 4);
                }
              });
    }
  }

  private static List<Integer> keepaliveTimings(Channel ch, String transport) {
    return transport.equals("epoll")
        ? List.of(
            ch.config().getOption(EpollChannelOption.TCP_KEEPIDLE),
            ch.config().getOption(EpollChannelOption.TCP_KEEPINTVL),
            ch.config().getOption(EpollChannelOption.TCP_KEEPCNT))
        : List.of(
            ch.config().getOption(IoUringChannelOption.TCP_KEEPIDLE),
            ch.config().getOption(IoUringChannelOption.TCP_KEEPINTVL),
            ch.config().getOption(IoUringChannelOption.TCP_KEEPCNT));
  }

  /** A proxy on {@code transport} (picked when it starts) with one route to {@code backend}. */
  private ProxyHarness startOn(
      String transport, String listenHost, String extraMain, EchoBackend backend) throws Exception {
    String before = System.setProperty("aralez.transport", transport);
    try {
      ProxyHarness proxy =
          ProxyHarness.start(
              dir,
              listenHost,
              extraMain,
              "DEFAULT:\n  paths:\n    \"/\": {servers: [\"" + backend.address() + "\"]}\n");
      assertThat(proxy.dataplane().proxy().transport()).isEqualTo(transport);
      return proxy;
    } finally {
      restore(before);
    }
  }

  private static HttpResponse<String> freshClientGet(String url) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void restore(String transport) {
    if (transport == null) {
      System.clearProperty("aralez.transport");
    } else {
      System.setProperty("aralez.transport", transport);
    }
  }
}
