package io.aralez.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.dataplane.testing.ProxyHarness;
import io.aralez.dataplane.testing.RawBackend;
import io.aralez.dataplane.testing.RawHttp;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Heads read in place, through the real process and real sockets: the header lines nobody changes
 * reach the other side byte for byte (case, spacing, bytes above 0x7f), in both directions, while
 * the proxy's own headers and the framing are still its own.
 */
class HeadForwardingIT {
  @TempDir Path dir;

  @Test
  void unchangedLinesTravelAsSentBothWays() throws Exception {
    BlockingQueue<String> heads = new ArrayBlockingQueue<>(4);
    try (RawBackend backend =
        new RawBackend(
            (s, i) -> {
              heads.add(RawBackend.readHead(s.getInputStream()));
              RawBackend.write(
                  s,
                  "HTTP/1.1 200 OK\r\nx-BackEnd-Case:  kept \t\r\nContent-Length: 2\r\n"
                      + "Set-Cookie: s=1; Path=/\r\nX-Latin: caf\u00e9\r\n\r\nok");
            })) {
      String upstreams =
          "provider: file\nexample.com:\n  paths:\n    \"/\":\n      healthcheck: false\n"
              + "      servers: [\""
              + backend.address()
              + "\"]\n";
      try (ProxyHarness proxy = ProxyHarness.start(dir, "", upstreams);
          RawHttp client = new RawHttp(proxy.port())) {
        String response =
            client
                .send(
                    "GET /p HTTP/1.1\r\nHost: example.com\r\nx-CLIENT-case:   spaced\t\r\n"
                        + "Cookie: a=1;b=2\r\nX-Name: J\u00fcrgen\r\nConnection: keep-alive, X-Drop\r\n"
                        + "X-Drop: 1\r\n\r\n")
                .readResponse(30_000);
        String head = heads.poll(30, TimeUnit.SECONDS);

        assertThat(head)
            .startsWith("GET /p HTTP/1.1\r\n")
            .contains("\r\nx-CLIENT-case:   spaced\t\r\nCookie: a=1;b=2\r\nX-Name: J\u00fcrgen\r\n")
            .contains("\r\nhost: example.com\r\n")
            .contains("\r\nx-forwarded-for: 127.0.0.1\r\n")
            .doesNotContain("X-Drop")
            .doesNotContainIgnoringCase("connection: keep-alive");
        assertThat(response)
            .startsWith("HTTP/1.1 200 OK\r\n")
            .contains("\r\nx-BackEnd-Case:  kept \t\r\n")
            .contains("\r\nSet-Cookie: s=1; Path=/\r\nX-Latin: caf\u00e9\r\n")
            .containsIgnoringCase("\r\ncontent-length: 2\r\n")
            .endsWith("\r\n\r\nok");
      }
    }
  }
}
