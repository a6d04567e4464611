package io.aralez.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aralez.dataplane.testing.Curl;
import io.aralez.dataplane.testing.EchoBackend;
import io.aralez.dataplane.testing.FreePort;
import io.aralez.dataplane.testing.OpenSsl;
import io.aralez.dataplane.testing.ProxyHarness;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS listener: SNI, wildcard, default certificate, hot reload, ALPN, grades. */
@Tag("catalogue-2.8")
class TlsIT {
  @TempDir static Path dir;
  static EchoBackend backend;
  static ProxyHarness proxy;
  static int tlsPort;
  static Path certs;

  @BeforeAll
  static void start() throws Exception {
    certs = Files.createDirectories(dir.resolve("certs"));
    OpenSsl.selfSigned(certs, "a", "rsa", "a.test");
    OpenSsl.selfSigned(certs, "b", "ec", "b.test");
    OpenSsl.selfSigned(certs, "c", "rsa", "c.test", "www.c.test");
    OpenSsl.selfSigned(certs, "wild", "ec", "*.wild.test");
    // A broken pair is skipped; the others serve.
    Files.writeString(certs.resolve("broken.crt"), "garbage");
    Files.writeString(certs.resolve("broken.key"), "garbage");
    backend = new EchoBackend("tls-backend");
    tlsPort = FreePort.get();
    proxy =
        ProxyHarness.start(
            dir,
            "proxy_address_tls: 127.0.0.1:"
                + tlsPort
                + "\nproxy_certificates: certs\nproxy_default_certificate: b\nproxy_tls_grade: high\n",
            "provider: file\nDEFAULT:\n  paths:\n    \"/\": {servers: [\""
                + backend.address()
                + "\"]}\n"
                + "secure.test:\n  paths:\n    \"/\": {to_https: true, servers: [\""
                + backend.address()
                + "\"]}\n");
  }

  @AfterAll
  static void stop() {
    proxy.close();
    backend.close();
  }

  static String served(String name, String protocol) throws Exception {
    Curl.Result r =
        Curl.run(
            "-k",
            protocol,
            "-v",
            "-o",
            "/dev/null",
            "-w",
            "%{http_version} %{http_code}",
            "--resolve",
            name + ":" + tlsPort + ":127.0.0.1",
            "https://" + name + ":" + tlsPort + "/x");
    assertThat(r.exit()).as(r.err()).isZero();
    String subject = r.err().lines().filter(l -> l.contains("subject:")).findFirst().orElse("");
    return subject.substring(subject.indexOf("subject:") + 8).trim() + " | " + r.out();
  }

  @Test
  void sniPicksTheCertificateOverHttp2AndHttp11() throws Exception {
    for (String protocol : List.of("--http2", "--http1.1")) {
      String version = protocol.equals("--http2") ? "2 200" : "1.1 200";
      assertThat(served("a.test", protocol)).isEqualTo("CN=a.test | " + version);
      assertThat(served("b.test", protocol)).isEqualTo("CN=b.test | " + version);
      assertThat(served("www.c.test", protocol)).isEqualTo("CN=c.test | " + version);
      assertThat(served("x.wild.test", protocol)).isEqualTo("CN=*.wild.test | " + version);
      // One label only, and unknown names get the configured default.
      assertThat(served("y.x.wild.test", protocol)).isEqualTo("CN=b.test | " + version);
      assertThat(served("unknown.test", protocol)).isEqualTo("CN=b.test | " + version);
    }
    assertThat(backend.last().header("X-Forwarded-Proto")).isEqualTo("https");
  }

  @Test
  void toHttpsDoesNotLoopOnTheTlsListener() throws Exception {
    Curl.Result plain = Curl.run("-i", "-H", "Host: secure.test", proxy.base() + "/p?q=1");
    assertThat(plain.out())
        .startsWith("HTTP/1.1 301")
        .contains("location: https://secure.test:" + tlsPort + "/p?q=1");
    assertThat(served("secure.test", "--http2")).endsWith("2 200");
  }

  @Test
  void highGradeRefusesOldProtocols() throws Exception {
    Curl.Result old =
        Curl.run(
            "-k",
            "--tlsv1.1",
            "--tls-max",
            "1.1",
            "--resolve",
            "a.test:" + tlsPort + ":127.0.0.1",
            "https://a.test:" + tlsPort + "/");
    assertThat(old.exit()).isNotZero();
    Curl.Result tls12 =
        Curl.run(
            "-k",
            "--tlsv1.2",
            "--tls-max",
            "1.2",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "--resolve",
            "a.test:" + tlsPort + ":127.0.0.1",
            "https://a.test:" + tlsPort + "/");
    assertThat(tls12.out()).isEqualTo("200");
  }

  @Test
  void replacedCertificateServesNewConnectionsAndSparesOpenOnes() throws Exception {
    try (SSLSocket open = connect("rot.test")) {
      // Not loaded yet: the default answers.
      BigInteger before = serial(open);
      OpenSsl.selfSigned(certs, "rot", "ec", "rot.test");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                try (SSLSocket s = connect("rot.test")) {
                  return !serial(s).equals(before);
                }
              });
      BigInteger first;
      try (SSLSocket s = connect("rot.test")) {
        first = serial(s);
      }
      OpenSsl.selfSigned(certs, "rot", "ec", "rot.test");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                try (SSLSocket s = connect("rot.test")) {
                  return !serial(s).equals(first);
                }
              });
      BigInteger second;
      try (SSLSocket s = connect("rot.test")) {
        second = serial(s);
      }
      // A garbage certificate, then a half-written key: the last good pair keeps serving.
      String goodKey = Files.readString(certs.resolve("rot.key"));
      double failures = loadFailures();
      Files.writeString(certs.resolve("rot.crt"), "garbage");
      await().atMost(Duration.ofSeconds(10)).until(() -> loadFailures() > failures);
      try (SSLSocket s = connect("rot.test")) {
        assertThat(serial(s)).isEqualTo(second);
      }
      OpenSsl.selfSigned(certs, "rot", "ec", "rot.test");
      BigInteger third;
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                try (SSLSocket s = connect("rot.test")) {
                  return !serial(s).equals(second);
                }
              });
      try (SSLSocket s = connect("rot.test")) {
        third = serial(s);
      }
      double failures2 = loadFailures();
      Files.writeString(certs.resolve("rot.key"), goodKey.substring(0, goodKey.length() / 2));
      await().atMost(Duration.ofSeconds(10)).until(() -> loadFailures() > failures2);
      try (SSLSocket s = connect("rot.test")) {
        assertThat(serial(s)).as("a truncated key keeps the pair that loaded").isEqualTo(third);
      }
      // The connection opened before all this still works.
      OutputStream out = open.getOutputStream();
      out.write(
          "GET /still HTTP/1.1\r\nHost: rot.test\r\nConnection: close\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = open.getInputStream();
      String res = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(res).startsWith("HTTP/1.1 200").contains("uri=/still");
    }
    Files.delete(certs.resolve("rot.crt"));
    Files.delete(certs.resolve("rot.key"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> served("rot.test", "--http1.1").startsWith("CN=b.test"));
  }

  static double loadFailures() {
    var m =
        java.util.regex.Pattern.compile("aralez_certificate_load_failures_total ([0-9.E]+)")
            .matcher(proxy.dataplane().metrics().scrape());
    assertThat(m.find()).as("the failure counter is exported").isTrue();
    return Double.parseDouble(m.group(1));
  }

  /** One request with this Host on a connection opened for {@code sni}; the status line. */
  static String statusOn(String sni, String host) throws Exception {
    try (SSLSocket s = connect(sni)) {
      s.getOutputStream()
          .write(
              ("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      return new String(
              s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1)
          .lines()
          .findFirst()
          .orElse("");
    }
  }

  /**
   * TLS-04: a connection opened for a.test (whose certificate covers only a.test) does not answer
   * for b.test: 421, so the client opens one for b.test and checks b.test's certificate. Names the
   * served certificate covers may share a connection (HTTP/2 coalescing), and a client that sent no
   * SNI is routed by Host as before.
   */
  @Test
  void aHostTheConnectionsCertificateDoesNotCoverIs421() throws Exception {
    assertThat(statusOn("a.test", "b.test")).startsWith("HTTP/1.1 421");
    assertThat(statusOn("a.test", "a.test:" + tlsPort)).startsWith("HTTP/1.1 200");
    assertThat(statusOn("www.c.test", "c.test"))
        .as("covered by the same certificate")
        .startsWith("HTTP/1.1 200");
    assertThat(statusOn("x.wild.test", "y.wild.test")).startsWith("HTTP/1.1 200");
    assertThat(statusOn("x.wild.test", "a.b.wild.test")).startsWith("HTTP/1.1 421");
    assertThat(statusOn("unknown.test", "unknown.test"))
        .as("the default certificate for an unknown name, Host the same: routed as before")
        .startsWith("HTTP/1.1 200");
    // HTTP/2 with curl: SNI a.test, :authority b.test.
    Curl.Result h2 =
        Curl.run(
            "-k",
            "--http2",
            "-o",
            "/dev/null",
            "-w",
            "%{http_version} %{http_code}",
            "--resolve",
            "a.test:" + tlsPort + ":127.0.0.1",
            "-H",
            "Host: b.test",
            "https://a.test:" + tlsPort + "/");
    assertThat(h2.out()).isEqualTo("2 421");
    // No SNI at all (connecting by address): the Host header decides.
    Curl.Result bare =
        Curl.run(
            "-k",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "-H",
            "Host: a.test",
            "https://127.0.0.1:" + tlsPort + "/");
    assertThat(bare.out()).isEqualTo("200");
  }

  /** TLS-07: a TLS 1.2 client asking to renegotiate does not get a second handshake. */
  @Test
  void clientInitiatedRenegotiationIsRefused() throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLSv1.2");
    ctx.init(null, new TrustManager[] {new TrustAll()}, null);
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", tlsPort)) {
      s.setEnabledProtocols(new String[] {"TLSv1.2"});
      s.setSoTimeout(10_000);
      s.startHandshake();
      byte[] before = s.getSession().getId();
      // A second handshake on the same connection; the JDK client drives it with the next write.
      // A server that allows it answers the request after a new handshake; ours sends an alert.
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> {
                s.startHandshake();
                s.getOutputStream()
                    .write(
                        "GET / HTTP/1.1\r\nHost: a.test\r\n\r\n"
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                int first = s.getInputStream().read();
                throw new AssertionError(
                    "answered after renegotiating (first byte "
                        + first
                        + ", new session: "
                        + !java.util.Arrays.equals(before, s.getSession().getId())
                        + ")");
              })
          .isInstanceOf(java.io.IOException.class);
    }
  }

  static SSLSocket connect(String sni) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {new TrustAll()}, null);
    SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", tlsPort);
    SSLParameters params = s.getSSLParameters();
    params.setServerNames(List.of(new SNIHostName(sni)));
    params.setApplicationProtocols(new String[] {"http/1.1"});
    s.setSSLParameters(params);
    s.setSoTimeout(10_000);
    s.startHandshake();
    return s;
  }

  static BigInteger serial(SSLSocket s) throws Exception {
    return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
  }

  /** Test-only: the point is which certificate is served, not whether it is trusted. */
  static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
