package io.aralez.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.dataplane.testing.EchoBackend;
import io.aralez.dataplane.testing.ProxyHarness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rate and 4xx limits with real requests. */
@Tag("catalogue-2.10")
class RateLimitIT {
  @TempDir Path dir;
  static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  static int get(ProxyHarness p, String host, String path, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(p.base() + path)).header("Host", host);
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() == 429) {
      assertThat(r.headers().firstValue("retry-after")).isPresent();
    }
    return r.statusCode();
  }

  @Test
  @Tag("catalogue-2.4")
  void limitsPerClientAndHostRecoverAndIgnoreSpoofedAddresses() throws Exception {
    try (EchoBackend b = new EchoBackend("b");
        ProxyHarness proxy =
            ProxyHarness.start(
                dir,
                "",
                "provider: file\nrate_limit: 5\nx4xx_limit: 3\n"
                    + "one.test:\n  paths:\n    \"/\": {servers: [\""
                    + b.address()
                    + "\"]}\n"
                    + "two.test:\n  paths:\n    \"/\": {servers: [\""
                    + b.address()
                    + "\"]}\n"
                    + "    \"/strict\": {rate_limit: 1, servers: [\""
                    + b.address()
                    + "\"]}\n")) {
      List<Integer> codes = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        // A client cannot escape its limit by claiming to be someone else.
        codes.add(get(proxy, "one.test", "/", "X-Forwarded-For", "10.0.0." + i));
      }
      assertThat(codes.subList(0, 5)).containsOnly(200);
      assertThat(codes.subList(5, 8)).contains(429);
      assertThat(get(proxy, "two.test", "/")).as("another host is counted apart").isEqualTo(200);
      assertThat(get(proxy, "two.test", "/strict")).isEqualTo(200);
      assertThat(get(proxy, "two.test", "/strict")).as("path limit wins").isEqualTo(429);
      Thread.sleep(1100);
      assertThat(get(proxy, "one.test", "/")).as("recovers").isEqualTo(200);
    }
  }

  @Test
  void tooMany4xxGetsACoolDown() throws Exception {
    try (EchoBackend b = new EchoBackend("b");
        ProxyHarness proxy =
            ProxyHarness.start(
                dir,
                "",
                "provider: file\nx4xx_limit: 3\nerr.test:\n  paths:\n    \"/\": {servers: [\""
                    + b.address()
                    + "\"]}\n")) {
      for (int i = 0; i < 4; i++) {
        assertThat(get(proxy, "err.test", "/status/404")).isEqualTo(404);
      }
      assertThat(get(proxy, "err.test", "/fine")).isEqualTo(429);
      assertThat(get(proxy, "err.test", "/fine")).isEqualTo(429);
      Thread.sleep(1100);
      assertThat(get(proxy, "err.test", "/fine")).as("our 429s did not extend it").isEqualTo(200);
    }
  }

  @Test
  @Tag("catalogue-2.4")
  void behindATrustedProxyTheForwardedClientIsTheKey() throws Exception {
    try (EchoBackend b = new EchoBackend("b");
        ProxyHarness proxy =
            ProxyHarness.start(
                dir,
                "trusted_proxies: [\"127.0.0.1/32\"]\n",
                "provider: file\nrate_limit: 2\nlb.test:\n  paths:\n    \"/\": {servers: [\""
                    + b.address()
                    + "\"]}\n")) {
      assertThat(get(proxy, "lb.test", "/", "X-Forwarded-For", "1.1.1.1")).isEqualTo(200);
      assertThat(get(proxy, "lb.test", "/", "X-Forwarded-For", "1.1.1.1")).isEqualTo(200);
      assertThat(get(proxy, "lb.test", "/", "X-Forwarded-For", "1.1.1.1")).isEqualTo(429);
      assertThat(get(proxy, "lb.test", "/", "X-Forwarded-For", "2.2.2.2")).isEqualTo(200);
      assertThat(b.last().header("X-Forwarded-For")).isEqualTo("2.2.2.2, 127.0.0.1");
    }
  }
}
