package io.aralez.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.dataplane.testing.ProxyHarness;
import io.aralez.dataplane.testing.RawBackend;
import io.aralez.dataplane.testing.RawHttp;
import io.aralez.dataplane.testing.WsEchoBackend;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy becomes a byte tunnel only after the backend accepted a real WebSocket upgrade; until
 * then every byte is HTTP, routed and authorised as such.
 */
@Tag("catalogue-2.7")
class WebSocketUpgradeIT {
  @TempDir Path dir;

  static final String KEY = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";

  private static String routes(String backend) {
    return "provider: file\nws.test:\n  paths:\n    \"/\":\n      healthcheck: false\n"
        + "      servers: [\""
        + backend
        + "\"]\n    \"/admin\":\n      healthcheck: false\n      authorization: {type: apikey, data: \"k-123\"}\n"
        + "      servers: [\""
        + backend
        + "\"]\n";
  }

  /** WS-04 and H1-28: a POST asking for an upgrade is plain HTTP; a 101 anyway is 502. */
  @Test
  void anUpgradeOnAPostIsPlainHttpAndAnUnaskedFor101Is502() throws Exception {
    List<String> heads = new CopyOnWriteArrayList<>();
    try (RawBackend backend =
            new RawBackend(
                (s, i) -> {
                  heads.add(RawBackend.readHead(s.getInputStream()).toLowerCase());
                  RawBackend.write(
                      s,
                      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
                });
        ProxyHarness proxy = ProxyHarness.start(dir, "", routes(backend.address()));
        RawHttp client = new RawHttp(proxy.port())) {
      String res =
          client
              .send(
                  "POST /ws HTTP/1.1\r\nHost: ws.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      + KEY
                      + "Sec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n")
              .readResponse(30_000);
      assertThat(res).startsWith("HTTP/1.1 502");
      assertThat(heads).singleElement().asString().startsWith("post /ws").doesNotContain("upgrade");
    }
  }

  /**
   * WS-02 and WS-03: the backend refuses the upgrade (426); the connection stays HTTP, so what the
   * client sends next is a request like any other: {@code /admin} still needs its key, and frame
   * bytes sent ahead of the 101 never reach the backend as data.
   */
  @Test
  void aRefusedUpgradeLeavesTheConnectionInHttpModeWithAuthApplied() throws Exception {
    List<String> heads = new CopyOnWriteArrayList<>();
    try (RawBackend backend =
            new RawBackend(
                (s, i) -> {
                  InputStream in = s.getInputStream();
                  String head;
                  while (!(head = RawBackend.readHead(in)).isEmpty()) {
                    heads.add(head.lines().findFirst().orElse(""));
                    RawBackend.write(
                        s,
                        head.toLowerCase().contains("upgrade: websocket")
                            ? "HTTP/1.1 426 Upgrade Required\r\nContent-Length: 0\r\n\r\n"
                            : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                  }
                });
        ProxyHarness proxy = ProxyHarness.start(dir, "", routes(backend.address()));
        RawHttp client = new RawHttp(proxy.port())) {
      String upgrade =
          "GET /chat HTTP/1.1\r\nHost: ws.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              + KEY
              + "Sec-WebSocket-Version: 1337\r\n\r\n";
      assertThat(client.send(upgrade).readResponse(30_000)).startsWith("HTTP/1.1 426");
      assertThat(client.send("GET /admin HTTP/1.1\r\nHost: ws.test\r\n\r\n").readResponse(30_000))
          .as("the next request on the socket is authorised like any other")
          .startsWith("HTTP/1.1 401");
      assertThat(heads).containsExactly("GET /chat HTTP/1.1");

      try (RawHttp eager = new RawHttp(proxy.port())) {
        // A masked text frame right behind the upgrade request, before any 101.
        // Its line ends in CRLF here, so the HTTP decoder reads it as the next request line.
        String frame = "\u0081\u0085\u0001\u0002\u0003\u0004iggmn\r\n\r\n";
        String res = eager.send(upgrade + frame).readAll(30_000);
        assertThat(res).startsWith("HTTP/1.1 426").contains("HTTP/1.1 400");
      }
      assertThat(heads).containsExactly("GET /chat HTTP/1.1", "GET /chat HTTP/1.1");
    }
  }

  /** WS-06: a tunnel nobody uses is closed after websocket_idle_timeout. */
  @Test
  void anIdleTunnelIsClosedAfterTheIdleTimeout() throws Exception {
    try (WsEchoBackend backend = new WsEchoBackend();
        ProxyHarness proxy =
            ProxyHarness.start(dir, "websocket_idle_timeout: 500ms\n", routes(backend.address()));
        java.net.Socket client = new java.net.Socket("127.0.0.1", proxy.port())) {
      client.setSoTimeout(60_000);
      RawBackend.write(
          client,
          "GET /ws HTTP/1.1\r\nHost: ws.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              + KEY
              + "Sec-WebSocket-Version: 13\r\n\r\n");
      assertThat(RawBackend.readHead(client.getInputStream())).startsWith("HTTP/1.1 101");
      // The tunnel is cut (abruptly: the proxy does not speak WebSocket, so no close frame).
      assertThat(client.getInputStream().read()).isEqualTo(-1);
    }
  }
}
