package io.aralez.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.sun.net.httpserver.HttpServer;
import io.aralez.dataplane.testing.Curl;
import io.aralez.dataplane.testing.EchoBackend;
import io.aralez.dataplane.testing.ProxyHarness;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Date;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JWT and forward auth through the proxy, with a real local auth server. */
@Tag("catalogue-2.9")
class AuthIT {
  @TempDir static Path dir;
  static EchoBackend backend;
  static HttpServer authServer;
  static ProxyHarness proxy;
  static final ConcurrentLinkedQueue<String> AUTH_SEEN = new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void start() throws Exception {
    backend = new EchoBackend("app");
    authServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    authServer.createContext(
        "/auth",
        ex -> {
          var h = ex.getRequestHeaders();
          AUTH_SEEN.add(
              ex.getRequestMethod()
                  + " "
                  + h.getFirst("X-Forwarded-Method")
                  + " "
                  + h.getFirst("X-Forwarded-Uri")
                  + " "
                  + h.getFirst("X-Forwarded-Host")
                  + " "
                  + h.getFirst("X-Forwarded-For")
                  + " "
                  + h.getFirst("Cookie"));
          String uri = h.getFirst("X-Forwarded-Uri");
          if (uri.startsWith("/slow")) {
            try {
              Thread.sleep(3000);
            } catch (InterruptedException e) {
              return;
            }
          }
          if ("Bearer letmein".equals(h.getFirst("Authorization"))) {
            ex.getResponseHeaders().add("X-Auth-User", "alice");
            ex.getResponseHeaders().add("Remote-Groups", "admins");
            ex.getResponseHeaders().add("Set-Cookie", "not=copied");
            byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, ok.length);
            try (OutputStream out = ex.getResponseBody()) {
              out.write(ok);
            }
          } else {
            byte[] body = "please log in".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Location", "https://login.test/?rd=" + uri);
            ex.getResponseHeaders().add("Content-Type", "text/plain");
            ex.sendResponseHeaders(302, body.length);
            try (OutputStream out = ex.getResponseBody()) {
              out.write(body);
            }
          }
          ex.close();
        });
    // Handlers on their own threads: the slow one must not hold up the others.
    authServer.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    authServer.start();
    String auth = "http://127.0.0.1:" + authServer.getAddress().getPort() + "/auth";
    proxy =
        ProxyHarness.start(
            dir,
            "master_key: master-secret-key-123\nforward_auth_timeout: 1s\n",
            "provider: file\napp.test:\n  paths:\n"
                + "    \"/jwt\": {authorization: {type: jwt, data: \"route-secret\"}, servers: [\""
                + backend.address()
                + "\"]}\n"
                + "    \"/fwd\": {authorization: {type: forward, data: \""
                + auth
                + "\"}, servers: [\""
                + backend.address()
                + "\"]}\n"
                + "    \"/slow\": {authorization: {type: forward, data: \""
                + auth
                + "\"}, servers: [\""
                + backend.address()
                + "\"]}\n"
                + "    \"/down\": {authorization: {type: forward, data: \"http://127.0.0.1:1/auth\"}, servers: [\""
                + backend.address()
                + "\"]}\n"
                + "    \"/admin\": {authorization: {type: apikey, data: [\"admin-key-1\"]}, servers: [\""
                + backend.address()
                + "\"]}\n"
                + "    \"/\": {servers: [\""
                + backend.address()
                + "\"]}\n");
  }

  @AfterAll
  static void stop() {
    proxy.close();
    authServer.stop(0);
    backend.close();
  }

  static String code(String... args) throws Exception {
    String[] all = new String[args.length + 6];
    all[0] = "-o";
    all[1] = "/dev/null";
    all[2] = "-w";
    all[3] = "%{http_code}";
    all[4] = "-H";
    all[5] = "Host: app.test";
    System.arraycopy(args, 0, all, 6, args.length);
    return Curl.run(all).out();
  }

  @Test
  @Tag("catalogue-2.3")
  void encodedAndParameterisedPathsCannotSkipPathScopedAuth() throws Exception {
    assertThat(code("--path-as-is", proxy.base() + "/admin/x")).isEqualTo("401");
    assertThat(code("-H", "x-api-key: admin-key-1", proxy.base() + "/admin/x")).isEqualTo("200");
    assertThat(code(proxy.base() + "/public/page")).isEqualTo("200");
    // A backend that decodes and then normalises (Python, Tomcat) reads each of these as /admin.
    for (String path :
        new String[] {
          "/public/..%2fadmin",
          "/admin%2Fx",
          "/public%5c..%5cadmin",
          "/public/..;/admin",
          "/admin;jsessionid=x",
          "/%c0%ae%c0%ae/admin",
          "/admin%00.css",
          "/public/%2e%2e/admin"
        }) {
      assertThat(code("--path-as-is", proxy.base() + path)).as(path).isIn("400", "401");
    }
    // Encoded slashes that do not change the route are still forwarded as sent (GitLab's API).
    assertThat(code("--path-as-is", proxy.base() + "/projects/group%2Fname")).isEqualTo("200");
    assertThat(backend.last().uri()).isEqualTo("/projects/group%2Fname");
    assertThat(proxy.dataplane().metrics().scrape())
        .containsPattern("aralez_rejections_total\\{reason=\"ambiguous_path\"\\} [1-9]");
  }

  @Test
  @Tag("catalogue-2.15")
  void jwtInHeaderOrQueryAndTheQueryTokenNeverReachesTheBackend() throws Exception {
    String token =
        JWT.create()
            .withExpiresAt(new Date(System.currentTimeMillis() + 60_000))
            .sign(Algorithm.HMAC256("route-secret"));
    String expired =
        JWT.create()
            .withExpiresAt(new Date(System.currentTimeMillis() - 60_000))
            .sign(Algorithm.HMAC256("route-secret"));
    assertThat(code("-H", "Authorization: Bearer " + token, proxy.base() + "/jwt/a"))
        .isEqualTo("200");
    assertThat(code("-H", "Authorization: Bearer " + expired, proxy.base() + "/jwt/a"))
        .isEqualTo("401");
    assertThat(code(proxy.base() + "/jwt/a")).isEqualTo("401");
    assertThat(code(proxy.base() + "/jwt/q?keep=1&araleztoken=" + token)).isEqualTo("200");
    assertThat(backend.last().uri()).isEqualTo("/jwt/q?keep=1");
    // Encoded path tricks are routed (and so authenticated) as the protected path.
    assertThat(code("--path-as-is", proxy.base() + "/x/../%6Awt/a")).isEqualTo("401");
  }

  @Test
  @Tag("catalogue-2.4")
  void forwardAuthAllowsWithIdentityHeadersAndStripsSpoofs() throws Exception {
    String res =
        Curl.run(
                "-H",
                "Host: app.test",
                "-H",
                "Authorization: Bearer letmein",
                "-H",
                "X-Auth-User: mallory",
                "-H",
                "Remote-User: mallory",
                "-H",
                "Cookie: sid=1",
                proxy.base() + "/fwd/page?q=2")
            .out();
    assertThat(res).contains("uri=/fwd/page?q=2");
    EchoBackend.Seen seen = backend.last();
    assertThat(seen.header("X-Auth-User")).isEqualTo("alice");
    assertThat(seen.header("Remote-Groups")).isEqualTo("admins");
    assertThat(seen.header("Remote-User")).isNull();
    assertThat(AUTH_SEEN).anyMatch(s -> s.equals("GET GET /fwd/page?q=2 app.test 127.0.0.1 sid=1"));
  }

  @Test
  void forwardAuthRefusalIsRelayedWithLocationAndBody() throws Exception {
    Curl.Result r = Curl.run("-i", "-H", "Host: app.test", proxy.base() + "/fwd/private");
    assertThat(r.out())
        .startsWith("HTTP/1.1 302")
        .contains("location: https://login.test/?rd=/fwd/private")
        .endsWith("please log in");
    int before = backend.count();
    assertThat(code(proxy.base() + "/fwd/private")).isEqualTo("302");
    assertThat(backend.count()).isEqualTo(before);
    // Counted like the refusals decided on the request path.
    assertThat(proxy.dataplane().metrics().scrape())
        .containsPattern("aralez_rejections_total\\{reason=\"auth_forward\"\\} [1-9]");
  }

  @Test
  @Tag("catalogue-2.8")
  void forwardAuthOverTlsAlwaysVerifiesTheAuthServer(@TempDir Path other) throws Exception {
    Path pem = other.resolve("auth.pem");
    var kmf = io.aralez.dataplane.testing.TestCertificates.selfSigned(other, pem);
    com.sun.net.httpserver.HttpsServer tls =
        com.sun.net.httpserver.HttpsServer.create(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    tls.setHttpsConfigurator(
        new com.sun.net.httpserver.HttpsConfigurator(
            io.aralez.dataplane.testing.TestCertificates.sslContext(kmf)));
    tls.createContext(
        "/auth",
        ex -> {
          byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, ok.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(ok);
          }
        });
    tls.start();
    String upstreams =
        "provider: file\nsecure.test:\n  paths:\n    \"/\": {authorization: {type: forward, data: \"https://127.0.0.1:"
            + tls.getAddress().getPort()
            + "/auth\"}, servers: [\""
            + backend.address()
            + "\"]}\n";
    try {
      // A self-signed auth server is not trusted, even though backends' certificates are not
      // checked.
      try (ProxyHarness p = ProxyHarness.start(other, "forward_auth_timeout: 2s\n", upstreams)) {
        assertThat(
                Curl.run(
                        "-o",
                        "/dev/null",
                        "-w",
                        "%{http_code}",
                        "-H",
                        "Host: secure.test",
                        p.base() + "/")
                    .out())
            .isEqualTo("503");
      }
      // Trusted through ca_file: allowed.
      try (ProxyHarness p =
          ProxyHarness.start(
              other, "forward_auth_timeout: 2s\nca_file: " + pem + "\n", upstreams)) {
        assertThat(
                Curl.run(
                        "-o",
                        "/dev/null",
                        "-w",
                        "%{http_code}",
                        "-H",
                        "Host: secure.test",
                        p.base() + "/")
                    .out())
            .isEqualTo("200");
      }
    } finally {
      tls.stop(0);
    }
  }

  @Test
  @Tag("catalogue-3")
  void forwardAuthTimeoutOrOutageFailsClosed() throws Exception {
    int before = backend.count();
    long start = System.nanoTime();
    assertThat(code("-H", "Authorization: Bearer letmein", proxy.base() + "/slow"))
        .isEqualTo("503");
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2500);
    assertThat(code("-H", "Authorization: Bearer letmein", proxy.base() + "/down"))
        .isEqualTo("503");
    assertThat(backend.count()).isEqualTo(before);
  }
}
