package io.aralez.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.dataplane.testing.EchoBackend;
import io.aralez.dataplane.testing.ProxyHarness;
import io.aralez.dataplane.testing.RawHttp;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Slow and idle clients are cut off by absolute deadlines. */
@Tag("catalogue-2.6")
class ClientTimeoutIT {
  @TempDir static Path dir;
  static EchoBackend backend;
  static ProxyHarness proxy;

  @BeforeAll
  static void start() throws Exception {
    backend = new EchoBackend("t");
    proxy =
        ProxyHarness.start(
            dir,
            "client_keepalive_timeout: 1s\nclient_header_timeout: 1s\nclient_body_timeout: 1s\n"
                + "upstream_read_timeout: 1s\n",
            "slow.test:\n  paths:\n    \"/\":\n      servers: [\"" + backend.address() + "\"]\n");
  }

  @AfterAll
  static void stop() {
    proxy.close();
    backend.close();
  }

  @Test
  void trickledHeadersGet408AtTheDeadline() throws Exception {
    try (RawHttp raw = new RawHttp(proxy.port())) {
      assertTrickledHeadGets408(raw, "/");
    }
  }

  @Test
  void idleKeepAliveConnectionIsClosed() throws Exception {
    try (RawHttp raw = new RawHttp(proxy.port())) {
      raw.send("GET / HTTP/1.1\r\nHost: slow.test\r\n\r\n");
      assertThat(raw.readAll(500)).startsWith("HTTP/1.1 200");
      assertThat(raw.closedByPeer(3000)).isTrue();
    }
  }

  @Test
  void stalledBodyGets408AndIsNotLeftOpen() throws Exception {
    try (RawHttp raw = new RawHttp(proxy.port())) {
      raw.send("POST /upload HTTP/1.1\r\nHost: slow.test\r\nContent-Length: 100\r\n\r\n0123456789");
      String res = raw.readAll(4000);
      assertThat(res).startsWith("HTTP/1.1 408");
    }
  }

  /**
   * A connection's deadline timers are shared by its requests and moved lazily, not rescheduled per
   * request: each request must still get exactly its own deadlines. Busy for longer than the
   * keep-alive timeout but never idle that long, the connection stays open; then a slow upstream
   * still gets 504 and trickled headers still get 408 on that same connection.
   */
  @Test
  void deadlinesFollowEachRequestOnOneConnection() throws Exception {
    try (RawHttp raw = new RawHttp(proxy.port())) {
      long start = System.nanoTime();
      for (int i = 0; i < 5; i++) {
        raw.send("GET /" + i + " HTTP/1.1\r\nHost: slow.test\r\n\r\n");
        assertThat(raw.readResponse(10_000)).as("request " + i).startsWith("HTTP/1.1 200");
        // Idle 300 ms between requests, well within the 1 s keep-alive timeout...
        Thread.sleep(300);
      }
      // ...while the connection as a whole lives past it: the deadline follows each request.
      assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThan(1500);

      long sent = System.nanoTime();
      raw.send("GET /sleep/5000 HTTP/1.1\r\nHost: slow.test\r\n\r\n");
      // 504 after the 1 s read timeout, then the 1 s keep-alive deadline closes the connection
      // (readAll returns at the close).
      String res = raw.readAll(2500);
      long millis = (System.nanoTime() - sent) / 1_000_000;
      assertThat(res).startsWith("HTTP/1.1 504");
      assertThat(millis).isBetween(1700L, 3500L);
    }
    try (RawHttp raw = new RawHttp(proxy.port())) {
      for (int i = 0; i < 2; i++) {
        raw.send("GET /" + i + " HTTP/1.1\r\nHost: slow.test\r\n\r\n");
        assertThat(raw.readResponse(10_000)).as("request " + i).startsWith("HTTP/1.1 200");
      }
      assertTrickledHeadGets408(raw, "/again");
    }
  }

  /**
   * Sends a request head a byte every 250 ms: each byte arrives well within any idle timer, yet the
   * absolute 1 s header deadline still answers 408 in time.
   */
  private static void assertTrickledHeadGets408(RawHttp raw, String path) throws Exception {
    long start = System.nanoTime();
    raw.send("GET " + path + " HTTP/1.1\r\n");
    for (int i = 0; i < 8 && !Thread.currentThread().isInterrupted(); i++) {
      Thread.sleep(250);
      try {
        raw.send("X");
      } catch (java.io.IOException closed) {
        break;
      }
    }
    String res = raw.readAll(3000);
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(res).startsWith("HTTP/1.1 408");
    assertThat(millis).isLessThan(3000);
  }
}
