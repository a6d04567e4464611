package io.aralez.dataplane.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.aralez.dataplane.testing.EmbeddedProxy;
import io.aralez.dataplane.testing.ProxyFixture;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The access log's body bytes for a relayed response, however the upstream's response was read: a
 * small one whole (one message, head and body) or in pieces (a head, then body parts).
 */
class AccessLogBytesTest {
  private final Logger access = (Logger) LoggerFactory.getLogger("aralez.access");
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private EmbeddedProxy proxy;

  @BeforeEach
  void capture() {
    lines.start();
    access.addAppender(lines);
    proxy =
        new EmbeddedProxy(
            new ProxyFixture(
                "proxy_address_http: 127.0.0.1:8080\nupstreams_conf: upstreams.yaml\n"
                    + "access_log: all\n",
                ExchangeTest.ROUTES));
  }

  @AfterEach
  void close() {
    proxy.close();
    access.detachAppender(lines);
  }

  @Test
  void countsTheBodyOfAResponseReadWholeAndOfOneReadInPieces() {
    proxy.send("GET /whole HTTP/1.1\r\nHost: one.test\r\n\r\n");
    proxy.reply(0, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
    assertThat(proxy.received()).endsWith("\r\n\r\nhello");

    proxy.send("GET /pieces HTTP/1.1\r\nHost: one.test\r\n\r\n");
    proxy.reply(0, "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello");
    proxy.reply(0, " world");
    assertThat(proxy.received()).endsWith("\r\n\r\nhello world");

    Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> messages().size() >= 2);
    assertThat(messages().get(0)).contains("\"GET /whole\" 200 bytes=5 ");
    assertThat(messages().get(1)).contains("\"GET /pieces\" 200 bytes=11 ");
  }

  private List<String> messages() {
    synchronized (lines.list) {
      return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
  }
}
