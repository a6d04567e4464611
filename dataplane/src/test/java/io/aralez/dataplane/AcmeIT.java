package io.aralez.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aralez.acme.testing.Pebble;
import io.aralez.dataplane.testing.FreePort;
import io.aralez.dataplane.testing.Launcher;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Automatic certificates out of the cluster, against Debian's real pebble with real HTTP-01
 * validation: the real bin/aralez answers pebble's challenge requests on its plain listener.
 */
@Tag("catalogue-2.12")
class AcmeIT {
  static final String KEY = "acme-test-master-key-0123456789";
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;
  Pebble pebble;
  Launcher proxy;
  int plain;
  int tls;
  int admin;

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (pebble != null) {
      pebble.close();
    }
  }

  void start(String extra) throws Exception {
    plain = FreePort.get();
    tls = FreePort.get();
    admin = FreePort.get();
    pebble = new Pebble(dir.resolve("pebble"), plain);
    Files.createDirectories(dir.resolve("configs"));
    Files.writeString(
        dir.resolve("upstreams.yaml"),
        """
        app.example.test:
          to_https: true
          paths:
            "/":
              servers: ["127.0.0.1:9"]
        """);
    Files.writeString(
        dir.resolve("main.yaml"),
        """
        proxy_address_http: 127.0.0.1:%d
        proxy_address_tls: 127.0.0.1:%d
        config_address: 127.0.0.1:%d
        master_key: %s
        proxy_configs: configs
        upstreams_conf: upstreams.yaml
        acme_directory: %s
        acme_ca_file: %s
        acme_email: ops@example.test
        """
                .formatted(plain, tls, admin, KEY, pebble.directory(), pebble.caFile())
            + extra);
    proxy = Launcher.start(dir, Map.of(), "-c", "main.yaml");
    proxy.awaitPort(plain);
  }

  /** The chain served for {@code name} by SNI, or an empty list when the handshake fails. */
  List<X509Certificate> served(String name) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {new TlsIT.TrustAll()}, new SecureRandom());
      try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket()) {
        s.connect(new InetSocketAddress("127.0.0.1", tls), 5000);
        var p = s.getSSLParameters();
        p.setServerNames(List.of(new SNIHostName(name)));
        s.setSSLParameters(p);
        s.startHandshake();
        return java.util.Arrays.stream(s.getSession().getPeerCertificates())
            .map(c -> (X509Certificate) c)
            .toList();
      }
    } catch (Exception e) {
      return List.of();
    }
  }

  X509Certificate root;

  boolean issuedByPebble(List<X509Certificate> chain, String name) throws Exception {
    if (chain.isEmpty()) {
      return false;
    }
    if (root == null) {
      // pebble makes a new root at each start; read once, it must outlive pebble in one test.
      root = pebble.issuingRootCertificate();
    }
    try {
      chain.get(chain.size() - 1).verify(root.getPublicKey());
    } catch (Exception e) {
      return false;
    }
    return chain.get(0).getSubjectAlternativeNames().stream().anyMatch(l -> name.equals(l.get(1)));
  }

  HttpResponse<String> admin(String path, String key) throws Exception {
    var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + path));
    if (key != null) {
      b.header("X-Aralez-Key", key);
    }
    return HTTP.send(
        b.timeout(Duration.ofSeconds(150)).build(), HttpResponse.BodyHandlers.ofString());
  }

  String metrics() throws Exception {
    return admin("/metrics", null).body();
  }

  @Test
  void aConfiguredNameIsServedWithAnIssuedCertificateWithinAMinute() throws Exception {
    start("acme_domains: [app.example.test]\n");
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> issuedByPebble(served("app.example.test"), "app.example.test"));
    Path state = dir.resolve("configs/autoconfigs/acme_credentials.json");
    assertThat(Files.getPosixFilePermissions(state))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.readString(state)).contains("\"key_pkcs8\"").contains("\"id\"");
    assertThat(dir.resolve("configs/certificates/app.example.test.crt")).exists();
    assertThat(metrics())
        .contains("aralez_acme_orders_total{result=\"issued\"} 1.0")
        .containsPattern(
            "aralez_certificate_expiry_seconds\\{name=\"app.example.test\"\\} [0-9.E]+");
    // The challenge path is answered before to_https (an unknown token falls through to it).
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + plain + "/.well-known/acme-challenge/unknown"))
                .header("Host", "app.example.test")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(301);
  }

  @Test
  void theOrderEndpointNeedsTheMasterKey() throws Exception {
    start("acme_domains: [app.example.test]\n");
    assertThat(admin("/acme_order/api.example.test", null).statusCode()).isEqualTo(401);
    assertThat(admin("/acme_create", "wrong-key-wrong-key").statusCode()).isEqualTo(401);
    HttpResponse<String> created = admin("/acme_create", KEY);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    assertThat(created.body()).startsWith("https://localhost:");
    HttpResponse<String> ordered = admin("/acme_order/api.example.test", KEY);
    assertThat(ordered.statusCode()).as(ordered.body()).isEqualTo(200);
    assertThat(ordered.body()).startsWith("issued until");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> issuedByPebble(served("api.example.test"), "api.example.test"));
    assertThat(Files.readString(dir.resolve("configs/autoconfigs/domains.json")))
        .contains("api.example.test");
    // Fresh: asking again orders nothing.
    assertThat(admin("/acme_order/api.example.test", KEY).body()).contains("not renewing");
  }

  @Test
  void aCertificateNearExpiryIsRenewedAndTheCaDownKeepsTheOldOne() throws Exception {
    // Every certificate counts as near expiry: each check renews.
    start("acme_domains: [app.example.test]\nacme_renew_before: 3650d\nacme_check_interval: 2s\n");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> issuedByPebble(served("app.example.test"), "app.example.test"));
    BigInteger first = served("app.example.test").get(0).getSerialNumber();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              List<X509Certificate> now = served("app.example.test");
              return !now.isEmpty() && !now.get(0).getSerialNumber().equals(first);
            });

    pebble.close();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> metrics().contains("aralez_acme_orders_total{result=\"failed\"}"));
    assertThat(issuedByPebble(served("app.example.test"), "app.example.test"))
        .as("the last certificate is still served")
        .isTrue();
    assertThat(proxy.output()).contains("ACME: ordering app.example.test failed");
  }
}
