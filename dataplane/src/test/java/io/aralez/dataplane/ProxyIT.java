package io.aralez.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.dataplane.testing.Curl;
import io.aralez.dataplane.testing.EchoBackend;
import io.aralez.dataplane.testing.FreePort;
import io.aralez.dataplane.testing.ProxyHarness;
import io.aralez.dataplane.testing.RawHttp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP/1.1 proxy against real backends, with the JDK client, curl and raw sockets. */
class ProxyIT {
  @TempDir static Path dir;
  static EchoBackend a;
  static EchoBackend b;
  static EchoBackend c;
  static ProxyHarness proxy;
  static int deadPort;
  static int tlsPort;
  static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @BeforeAll
  static void start() throws Exception {
    a = new EchoBackend("a");
    b = new EchoBackend("b");
    c = new EchoBackend("c");
    deadPort = FreePort.get();
    String upstreams =
        """
        provider: file
        server_headers:
          - "X-Global-Up:g"
          - "X-Override:global"
        client_headers:
          - "X-Global-Down: yes"
        example.com:
          server_headers: ["X-Host-Up:h"]
          paths:
            "/":
              servers: ["%1$s", "%2$s"]
            "/api":
              server_headers: ["X-Override:path", "X-Colon:a:b:c"]
              client_headers: ["X-Path-Down:p"]
              servers: ["%3$s"]
            "/secure":
              to_https: true
              servers: ["%3$s"]
            "/old":
              redirect_to: "https://new.example.com/base"
            "/empty":
              healthcheck: false
            "/dead":
              healthcheck: false
              servers: ["127.0.0.1:%4$d"]
            "/half-dead":
              servers: ["127.0.0.1:%4$d", "%3$s"]
            "/basic":
              authorization: {type: basic, data: ["ann:secret", "bob:pw"]}
              servers: ["%3$s"]
            "/key":
              authorization: {type: apikey, data: "k-1"}
              servers: ["%3$s"]
            "/key/open":
              authorization: {type: none}
              servers: ["%3$s"]
            "/jwt":
              authorization: {type: jwt, data: "secret"}
              servers: ["%3$s"]
        "*.wild.test":
          paths:
            "/":
              servers: ["%3$s"]
        "[::1]":
          paths:
            "/":
              servers: ["%3$s"]
        """
            .formatted(a.address(), b.address(), c.address(), deadPort);
    Path certs = java.nio.file.Files.createDirectories(dir.resolve("certs"));
    io.aralez.dataplane.testing.OpenSsl.selfSigned(certs, "example", "ec", "example.com");
    tlsPort = FreePort.get();
    proxy =
        ProxyHarness.start(
            dir,
            "proxy_address_tls: 127.0.0.1:"
                + tlsPort
                + "\nproxy_certificates: certs\nupstream_read_timeout: 1s\n",
            upstreams);
  }

  @AfterAll
  static void stop() {
    proxy.close();
    a.close();
    b.close();
    c.close();
  }

  static HttpResponse<String> get(String host, String path) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create(proxy.base() + path)).header("Host", host).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void proxiesToBackendKeepingRequestLineAndHost() throws Exception {
    HttpResponse<String> r = get("example.com", "/some/path?x=1&y=%2F");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("uri=/some/path?x=1&y=%2F");
    EchoBackend served = r.body().contains("backend=a") ? a : b;
    EchoBackend.Seen seen = served.last();
    assertThat(seen.header("Host")).isEqualTo("example.com");
    assertThat(seen.header("X-Forwarded-For")).isEqualTo("127.0.0.1");
    assertThat(seen.header("X-Forwarded-Proto")).isEqualTo("http");
    assertThat(seen.header("X-Forwarded-Host")).isEqualTo("example.com");
    assertThat(r.headers().firstValue("server")).isPresent();
  }

  @Test
  void roundRobinsAcrossServers() throws Exception {
    int beforeA = a.count();
    int beforeB = b.count();
    for (int i = 0; i < 10; i++) {
      assertThat(get("example.com", "/rr").statusCode()).isEqualTo(200);
    }
    assertThat(a.count() - beforeA).isEqualTo(5);
    assertThat(b.count() - beforeB).isEqualTo(5);
  }

  @Test
  @Tag("catalogue-2.1")
  void hostMatchIsCaseInsensitiveAndIgnoresPort() throws Exception {
    assertThat(get("EXAMPLE.com:8080", "/").statusCode()).isEqualTo(200);
    assertThat(get("example.com.", "/").statusCode()).isEqualTo(200);
    assertThat(get("[::1]:6193", "/").body()).contains("backend=c");
  }

  @Test
  void wildcardMatchesExactlyOneLabel() throws Exception {
    assertThat(get("a.wild.test", "/").body()).contains("backend=c");
    assertThat(get("wild.test", "/").statusCode()).isEqualTo(404);
    assertThat(get("x.a.wild.test", "/").statusCode()).isEqualTo(404);
  }

  @Test
  @Tag("catalogue-2.1")
  void unknownHostWithoutDefaultIs404() throws Exception {
    assertThat(get("nobody.test", "/").statusCode()).isEqualTo(404);
  }

  @Test
  @Tag("catalogue-2.3")
  void longestPrefixOnSegmentBoundaries() throws Exception {
    assertThat(get("example.com", "/api").body()).contains("backend=c");
    assertThat(get("example.com", "/api/v1/x").body()).contains("backend=c");
    assertThat(get("example.com", "/apiary").body()).doesNotContain("backend=c");
    // Routing decides on the canonical path: dot segments and encoded letters cannot dodge it.
    assertThat(get("example.com", "/x/../api/v1").body()).contains("backend=c");
    assertThat(get("example.com", "/%61pi/v1").body()).contains("backend=c");
  }

  @Test
  void headerInheritanceGlobalHostPath() throws Exception {
    HttpResponse<String> r = get("example.com", "/api/h");
    EchoBackend.Seen seen = c.last();
    assertThat(seen.header("X-Global-Up")).isEqualTo("g");
    assertThat(seen.header("X-Host-Up")).isEqualTo("h");
    assertThat(seen.header("X-Override")).isEqualTo("path");
    assertThat(seen.header("X-Colon")).isEqualTo("a:b:c");
    assertThat(r.headers().firstValue("X-Global-Down")).hasValue("yes");
    assertThat(r.headers().firstValue("X-Path-Down")).hasValue("p");

    get("example.com", "/plain");
    EchoBackend.Seen root = a.last().uri().equals("/plain") ? a.last() : b.last();
    assertThat(root.header("X-Override")).isEqualTo("global");
  }

  @Test
  void toHttpsRedirectsToTheTlsPortKeepingQuery() throws Exception {
    HttpResponse<String> r = get("example.com", "/secure/x?q=1");
    assertThat(r.statusCode()).isEqualTo(301);
    assertThat(r.headers().firstValue("location"))
        .hasValue("https://example.com:" + tlsPort + "/secure/x?q=1");
  }

  @Test
  void redirectToKeepsPathAndQuery() throws Exception {
    HttpResponse<String> r = get("example.com", "/old/page?a=b");
    assertThat(r.statusCode()).isEqualTo(301);
    assertThat(r.headers().firstValue("location"))
        .hasValue("https://new.example.com/base/old/page?a=b");
  }

  @Test
  @Tag("catalogue-3")
  void routeWithoutServersIs503WithRetryAfter() throws Exception {
    HttpResponse<String> r = get("example.com", "/empty");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("retry-after")).isPresent();
  }

  @Test
  @Tag("catalogue-3")
  void connectRefusedIs502() throws Exception {
    HttpResponse<String> r = get("example.com", "/dead");
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.body()).doesNotContain("Exception");
  }

  @Test
  @Tag("catalogue-3")
  void connectFailureIsRetriedOnAnotherServer() throws Exception {
    for (int i = 0; i < 4; i++) {
      HttpResponse<String> r = get("example.com", "/half-dead");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("backend=c");
    }
  }

  @Test
  @Tag("catalogue-3")
  void slowUpstreamIs504() throws Exception {
    HttpResponse<String> r = get("example.com", "/sleep/3000");
    assertThat(r.statusCode()).isEqualTo(504);
  }

  @Test
  void upstreamStatusAndCookiesPassThrough() throws Exception {
    assertThat(get("example.com", "/status/418").statusCode()).isEqualTo(418);
    HttpResponse<String> r = get("example.com", "/cookie");
    assertThat(r.headers().allValues("set-cookie")).contains("session=abc; Path=/");
  }

  @Test
  void chunkedResponseAndHead() throws Exception {
    HttpResponse<String> r = get("example.com", "/chunked");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("uri=/chunked");
    HttpResponse<String> head =
        CLIENT.send(
            HttpRequest.newBuilder(URI.create(proxy.base() + "/x"))
                .header("Host", "example.com")
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
  }

  @Test
  @Tag("catalogue-2.1")
  void postBodiesWithLengthAndChunked() throws Exception {
    byte[] body = new byte[300_000];
    HttpResponse<String> r =
        CLIENT.send(
            HttpRequest.newBuilder(URI.create(proxy.base() + "/api/upload"))
                .header("Host", "example.com")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.body()).contains("body=300000");
    try (RawHttp raw = new RawHttp(proxy.port())) {
      String res =
          raw.send(
                  "POST /api/chunked HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n"
                      + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
              .readAll(1500);
      assertThat(res).startsWith("HTTP/1.1 200").contains("body=11");
    }
  }

  @Test
  @Tag("catalogue-2.1")
  void expectContinueWithCurl() throws Exception {
    Path file = dir.resolve("payload.bin");
    java.nio.file.Files.write(file, new byte[2_000_000]);
    Curl.Result r =
        Curl.run(
            "-H",
            "Host: example.com",
            "-H",
            "Expect: 100-continue",
            "--data-binary",
            "@" + file,
            proxy.base() + "/api/continue");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("body=2000000");
  }

  @Test
  @Tag("catalogue-2.1")
  void hopByHopHeadersAreRemoved() throws Exception {
    try (RawHttp raw = new RawHttp(proxy.port())) {
      String res =
          raw.send(
                  "GET /api/hop HTTP/1.1\r\nHost: example.com\r\nConnection: keep-alive, X-Secret\r\n"
                      + "X-Secret: s\r\nKeep-Alive: timeout=5\r\nProxy-Authorization: x\r\n"
                      + "X_Forwarded_For: 6.6.6.6\r\nX-Kept: k\r\n\r\n")
              .readAll(1000);
      assertThat(res).startsWith("HTTP/1.1 200");
    }
    EchoBackend.Seen seen = c.last();
    assertThat(seen.header("X-Secret")).isNull();
    assertThat(seen.header("Keep-Alive")).isNull();
    assertThat(seen.header("Proxy-Authorization")).isNull();
    assertThat(seen.header("X_Forwarded_For")).isNull();
    assertThat(seen.header("X-Forwarded-For")).isEqualTo("127.0.0.1");
    assertThat(seen.header("X-Kept")).isEqualTo("k");
  }

  @Test
  @Tag("catalogue-2.4")
  void forwardedForFromAnUntrustedClientIsReplaced() throws Exception {
    CLIENT.send(
        HttpRequest.newBuilder(URI.create(proxy.base() + "/api/xff"))
            .header("Host", "example.com")
            .header("X-Forwarded-For", "10.1.1.1")
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(c.last().header("X-Forwarded-For")).isEqualTo("127.0.0.1");
  }

  @Test
  @Tag("catalogue-2.1")
  void keepAliveAndPipeliningAnswerInOrder() throws Exception {
    try (RawHttp raw = new RawHttp(proxy.port())) {
      String res =
          raw.send(
                  "GET /api/one HTTP/1.1\r\nHost: example.com\r\n\r\n"
                      + "GET /api/two HTTP/1.1\r\nHost: example.com\r\n\r\n"
                      + "GET /api/three HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n")
              .readAll(3000);
      int one = res.indexOf("uri=/api/one");
      int two = res.indexOf("uri=/api/two");
      int three = res.indexOf("uri=/api/three");
      assertThat(one).isPositive();
      assertThat(two).isGreaterThan(one);
      assertThat(three).isGreaterThan(two);
      assertThat(res.split("HTTP/1.1 200", -1)).hasSize(4);
      // The last request said close (read from its head before that head went upstream).
      assertThat(raw.closedByPeer(1000)).isTrue();
    }
  }

  @Test
  @Tag("catalogue-2.1")
  void http10ClientGetsAnAnswerAndClose() throws Exception {
    try (RawHttp raw = new RawHttp(proxy.port())) {
      String res = raw.send("GET /api/old HTTP/1.0\r\nHost: example.com\r\n\r\n").readAll(2000);
      assertThat(res).startsWith("HTTP/1.1 200").contains("uri=/api/old");
      assertThat(raw.closedByPeer(1000)).isTrue();
    }
  }

  @Test
  @Tag("catalogue-2.1")
  void badRequestsAreRefusedAndNeverForwarded() throws Exception {
    int before = c.count();
    String[] bad = {
      "POST /api/s HTTP/1.1\r\nHost: example.com\r\nContent-Length: 31\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\n\r\n",
      "GET /api/s HTTP/1.1\r\n\r\n",
      "GET /api/s HTTP/1.1\r\nHost: example.com\r\nHost: other.com\r\n\r\n",
      "GET /api/s HTTP/1.1\r\nHost: a b\r\n\r\n",
      "POST /api/s HTTP/1.1\r\nHost: example.com\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
      "POST /api/s HTTP/1.0\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      "GET /../../etc/passwd HTTP/1.1\r\nHost: example.com\r\n\r\n",
      "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\n",
    };
    for (String req : bad) {
      try (RawHttp raw = new RawHttp(proxy.port())) {
        String res = raw.send(req).readAll(1500);
        assertThat(res).as(req).matches("(?s)HTTP/1\\.1 4\\d\\d .*");
        assertThat(raw.closedByPeer(1000)).as(req).isTrue();
      }
    }
    try (RawHttp raw = new RawHttp(proxy.port())) {
      String res =
          raw.send("POST /api/s HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: gzip\r\n\r\n")
              .readAll(1500);
      // Netty's parser already refuses an unknown coding with 400; either way it is never
      // forwarded.
      assertThat(res).matches("(?s)HTTP/1\\.1 (400|501) .*");
      assertThat(raw.closedByPeer(1000)).isTrue();
    }
    assertThat(c.count()).isEqualTo(before);
    assertThat(c.seen()).noneMatch(s -> s.uri().contains("smuggled"));
  }

  @Test
  @Tag("catalogue-2.1")
  void absoluteFormTargetRoutesOnItsAuthority() throws Exception {
    try (RawHttp raw = new RawHttp(proxy.port())) {
      String res =
          raw.send(
                  "GET http://a.wild.test/abs?q HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n")
              .readAll(2000);
      assertThat(res).startsWith("HTTP/1.1 200").contains("backend=c").contains("uri=/abs?q");
    }
    assertThat(c.last().header("Host")).isEqualTo("a.wild.test");
  }

  @Test
  @Tag("catalogue-2.9")
  void basicAndApiKeyAuthorization() throws Exception {
    Curl.Result noCreds = Curl.run("-i", "-H", "Host: example.com", proxy.base() + "/basic/x");
    assertThat(noCreds.out()).startsWith("HTTP/1.1 401").contains("www-authenticate: Basic realm=");
    assertThat(Curl.run("-u", "bob:pw", "-H", "Host: example.com", proxy.base() + "/basic/x").out())
        .contains("backend=c");
    assertThat(
            Curl.run(
                    "-o",
                    "/dev/null",
                    "-w",
                    "%{http_code}",
                    "-u",
                    "bob:nope",
                    "-H",
                    "Host: example.com",
                    proxy.base() + "/basic/x")
                .out())
        .isEqualTo("401");
    assertThat(
            Curl.run("-H", "x-api-key: k-1", "-H", "Host: example.com", proxy.base() + "/key")
                .out())
        .contains("backend=c");
    assertThat(
            Curl.run(
                    "-o",
                    "/dev/null",
                    "-w",
                    "%{http_code}",
                    "-H",
                    "x-api-key: k-2",
                    "-H",
                    "Host: example.com",
                    proxy.base() + "/key")
                .out())
        .isEqualTo("401");
    // Encoding tricks route (and so authenticate) as the protected path.
    assertThat(
            Curl.run(
                    "-o",
                    "/dev/null",
                    "-w",
                    "%{http_code}",
                    "--path-as-is",
                    "-H",
                    "Host: example.com",
                    proxy.base() + "/x/../%6bey")
                .out())
        .isEqualTo("401");
    assertThat(Curl.run("-H", "Host: example.com", proxy.base() + "/key/open").out())
        .contains("backend=c");
    // Not implemented yet: refused, never let through.
    assertThat(
            Curl.run(
                    "-o",
                    "/dev/null",
                    "-w",
                    "%{http_code}",
                    "-H",
                    "Host: example.com",
                    proxy.base() + "/jwt")
                .out())
        .isEqualTo("401");
  }

  @Test
  @Tag("catalogue-2.1")
  void h2cUpgradeIsNotOfferedAndNotForwarded() throws Exception {
    try (RawHttp raw = new RawHttp(proxy.port())) {
      String res =
          raw.send(
                  "GET /api/h2c HTTP/1.1\r\nHost: example.com\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                      + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n")
              .readAll(1500);
      assertThat(res).startsWith("HTTP/1.1 200").doesNotContain("101");
    }
    EchoBackend.Seen seen = c.last();
    assertThat(seen.uri()).isEqualTo("/api/h2c");
    assertThat(seen.header("Upgrade")).isNull();
    assertThat(seen.header("HTTP2-Settings")).isNull();
  }

  @Test
  @Tag("catalogue-2.1")
  void unknownExpectationIs417() throws Exception {
    try (RawHttp raw = new RawHttp(proxy.port())) {
      String res =
          raw.send("GET /api HTTP/1.1\r\nHost: example.com\r\nExpect: 100-continuex\r\n\r\n")
              .readAll(1500);
      assertThat(res).startsWith("HTTP/1.1 417");
    }
  }

  @Test
  @Tag("catalogue-2.1")
  void requestHeaderTooLargeIs431() throws Exception {
    try (RawHttp raw = new RawHttp(proxy.port())) {
      String res =
          raw.send(
                  "GET / HTTP/1.1\r\nHost: example.com\r\nX-Big: "
                      + "a".repeat(40_000)
                      + "\r\n\r\n")
              .readAll(2000);
      assertThat(res).startsWith("HTTP/1.1 431");
    }
  }

  @Test
  void everyEventLoopAcceptsOnItsOwnSocket() throws Exception {
    // threads: 2 (the harness default): two listening sockets share the port, no acceptor thread.
    assertThat(listeningSockets(proxy.port())).isEqualTo(2);
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.getName().startsWith("aralez-accept"));
    java.util.concurrent.ExecutorService clients =
        java.util.concurrent.Executors.newFixedThreadPool(16);
    try {
      var answers = new java.util.ArrayList<java.util.concurrent.Future<String>>();
      for (int i = 0; i < 200; i++) {
        answers.add(
            clients.submit(
                () -> {
                  try (RawHttp raw = new RawHttp(proxy.port())) {
                    return raw.send(
                            "GET /api HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n")
                        .readAll(5000);
                  }
                }));
      }
      for (var answer : answers) {
        assertThat(answer.get(30, java.util.concurrent.TimeUnit.SECONDS))
            .startsWith("HTTP/1.1 200");
      }
    } finally {
      clients.shutdownNow();
    }
  }

  /** LISTEN entries for a local port in /proc/net/tcp and tcp6 (state 0A). */
  private static long listeningSockets(int port) throws java.io.IOException {
    String hex = String.format(":%04X ", port);
    long n = 0;
    for (String f : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
      Path file = Path.of(f);
      if (java.nio.file.Files.exists(file)) {
        n +=
            java.nio.file.Files.readAllLines(file).stream()
                .map(String::trim)
                .filter(l -> l.split("\\s+").length > 3)
                .filter(
                    l -> l.split("\\s+")[1].contains(hex.trim()) && l.split("\\s+")[3].equals("0A"))
                .count();
      }
    }
    return n;
  }
}
