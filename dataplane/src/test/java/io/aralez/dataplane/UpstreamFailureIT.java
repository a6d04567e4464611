package io.aralez.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.dataplane.testing.ProxyHarness;
import io.aralez.dataplane.testing.RawBackend;
import io.aralez.dataplane.testing.RawHttp;
import java.io.InputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backends that die, lie or go stale; the proxy answers honestly and never reuses a bad connection.
 */
@Tag("catalogue-3")
class UpstreamFailureIT {
  @TempDir Path dir;

  private static String route(String server) {
    // No health checks: these backends act out failures on every connection they get.
    return "provider: file\nfail.test:\n  paths:\n    \"/\":\n      healthcheck: false\n      servers: [\""
        + server
        + "\"]\n";
  }

  @Test
  void backendDyingBeforeAnswerGives502() throws Exception {
    try (RawBackend backend =
            new RawBackend(
                (s, i) -> {
                  RawBackend.readHead(s.getInputStream());
                  RawBackend.write(s, "HTTP/1.1 200 OK\r\nContent-Le");
                });
        ProxyHarness proxy = ProxyHarness.start(dir, "", route(backend.address()));
        RawHttp client = new RawHttp(proxy.port())) {
      String res = client.send("GET /x HTTP/1.1\r\nHost: fail.test\r\n\r\n").readAll(2000);
      assertThat(res).startsWith("HTTP/1.1 502");
    }
  }

  @Test
  void backendKilledMidBodyAbortsClientAndConnectionIsNotReused() throws Exception {
    // Connection 0 answers once in full, then dies in the middle of the second answer.
    try (RawBackend backend =
            new RawBackend(
                (s, i) -> {
                  InputStream in = s.getInputStream();
                  if (i == 0) {
                    RawBackend.readHead(in);
                    RawBackend.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst");
                    RawBackend.readHead(in);
                    RawBackend.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial");
                    s.setSoLinger(true, 0);
                    return;
                  }
                  while (!RawBackend.readHead(in).isEmpty()) {
                    RawBackend.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfresh");
                  }
                });
        ProxyHarness proxy = ProxyHarness.start(dir, "threads: 1\n", route(backend.address()))) {
      try (RawHttp c1 = new RawHttp(proxy.port())) {
        assertThat(
                c1.send("GET /1 HTTP/1.1\r\nHost: fail.test\r\nConnection: close\r\n\r\n")
                    .readAll(2000))
            .endsWith("first");
      }
      try (RawHttp c2 = new RawHttp(proxy.port())) {
        String res = c2.send("GET /2 HTTP/1.1\r\nHost: fail.test\r\n\r\n").readAll(3000);
        // The head had gone out: the only honest signal left is closing, body short of its length.
        assertThat(res).startsWith("HTTP/1.1 200").endsWith("partial");
        assertThat(c2.closedByPeer(1000)).isTrue();
      }
      try (RawHttp c3 = new RawHttp(proxy.port())) {
        assertThat(
                c3.send("GET /3 HTTP/1.1\r\nHost: fail.test\r\nConnection: close\r\n\r\n")
                    .readAll(2000))
            .startsWith("HTTP/1.1 200")
            .endsWith("fresh");
      }
      assertThat(backend.connections()).isEqualTo(2);
    }
  }

  @Test
  void idlePooledConnectionIsClosedAfterUpstreamIdleTimeout() throws Exception {
    // The backend keeps its connection open; only the proxy's idle timeout may end it.
    java.util.concurrent.CompletableFuture<Long> closedAfter =
        new java.util.concurrent.CompletableFuture<>();
    try (RawBackend backend =
            new RawBackend(
                (s, i) -> {
                  InputStream in = s.getInputStream();
                  RawBackend.readHead(in);
                  RawBackend.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                  long answered = System.nanoTime();
                  s.setSoTimeout(10_000);
                  int b = in.read();
                  closedAfter.complete(b < 0 ? (System.nanoTime() - answered) / 1_000_000 : -1);
                });
        ProxyHarness proxy =
            ProxyHarness.start(
                dir, "threads: 1\nupstream_idle_timeout: 1s\n", route(backend.address()))) {
      try (RawHttp c = new RawHttp(proxy.port())) {
        assertThat(
                c.send("GET / HTTP/1.1\r\nHost: fail.test\r\nConnection: close\r\n\r\n")
                    .readAll(2000))
            .endsWith("ok");
      }
      long millis = closedAfter.get(15, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(millis).as("closed by the proxy, in ms after the answer").isBetween(800L, 4000L);
      assertThat(backend.connections()).isEqualTo(1);
    }
  }

  @Test
  void stalePooledConnectionIsRetriedTransparently() throws Exception {
    // The backend closes each connection right after one answer, without saying so.
    try (RawBackend backend =
            new RawBackend(
                (s, i) -> {
                  RawBackend.readHead(s.getInputStream());
                  RawBackend.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                  Thread.sleep(50);
                });
        ProxyHarness proxy = ProxyHarness.start(dir, "threads: 1\n", route(backend.address()))) {
      for (int i = 0; i < 5; i++) {
        try (RawHttp c = new RawHttp(proxy.port())) {
          String res =
              c.send("GET /" + i + " HTTP/1.1\r\nHost: fail.test\r\nConnection: close\r\n\r\n")
                  .readAll(2000);
          assertThat(res).as("request " + i).startsWith("HTTP/1.1 200").endsWith("ok");
        }
        Thread.sleep(100);
      }
    }
  }

  @Test
  @Tag("catalogue-2.1")
  void invalidUpstreamFramingGives502() throws Exception {
    try (RawBackend backend =
            new RawBackend(
                (s, i) -> {
                  RawBackend.readHead(s.getInputStream());
                  RawBackend.write(
                      s,
                      "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
                });
        ProxyHarness proxy = ProxyHarness.start(dir, "", route(backend.address()));
        RawHttp client = new RawHttp(proxy.port())) {
      String res = client.send("GET /x HTTP/1.1\r\nHost: fail.test\r\n\r\n").readAll(2000);
      assertThat(res).startsWith("HTTP/1.1 502");
    }
  }

  @Test
  @Tag("catalogue-2.1")
  void closeDelimitedResponseIsRechunkedForHttp11Clients() throws Exception {
    try (RawBackend backend =
            new RawBackend(
                (s, i) -> {
                  RawBackend.readHead(s.getInputStream());
                  RawBackend.write(s, "HTTP/1.0 200 OK\r\n\r\nuntil-close");
                });
        ProxyHarness proxy = ProxyHarness.start(dir, "", route(backend.address()));
        RawHttp client = new RawHttp(proxy.port())) {
      String res =
          client
              .send(
                  "GET /a HTTP/1.1\r\nHost: fail.test\r\n\r\nGET /b HTTP/1.1\r\nHost: fail.test\r\nConnection: close\r\n\r\n")
              .readAll(3000);
      assertThat(res).contains("transfer-encoding: chunked").contains("until-close");
      assertThat(res.split("HTTP/1.1 200", -1)).hasSize(3);
    }
  }
}
