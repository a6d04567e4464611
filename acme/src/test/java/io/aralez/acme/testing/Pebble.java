package io.aralez.acme.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Debian's real ACME test server (pebble) on loopback, with pebble-challtestsrv as its DNS so every
 * name resolves to 127.0.0.1. HTTP-01 is really validated: pebble connects to {@code
 * <name>:httpPort} and fetches the token. Its default 5% bad-nonce rejection and 50% authorization
 * reuse stay on; only the random 0-15 s sleep before validation is turned off.
 */
public final class Pebble implements AutoCloseable {
  private final Path dir;
  private final List<Process> processes = new ArrayList<>();
  private final int port;
  private final int managementPort;
  private final HttpClient client;

  /**
   * @param httpPort where pebble looks for HTTP-01 answers (the proxy's plain listener)
   */
  public Pebble(Path dir, int httpPort) throws IOException, InterruptedException {
    this.dir = dir;
    Files.createDirectories(dir);
    tlsForListener();
    this.port = freePort();
    this.managementPort = freePort();
    int dnsPort = freePort();
    Files.writeString(
        dir.resolve("pebble-config.json"),
        """
        {"pebble":{"listenAddress":"127.0.0.1:%d","managementListenAddress":"127.0.0.1:%d",
         "certificate":"%s","privateKey":"%s","httpPort":%d,"tlsPort":%d,
         "ocspResponderURL":"","externalAccountBindingRequired":false}}
        """
            .formatted(
                port,
                managementPort,
                dir.resolve("cert.pem"),
                dir.resolve("key.pem"),
                httpPort,
                freePort()));
    start(
        List.of(
            "pebble-challtestsrv",
            "-defaultIPv4",
            "127.0.0.1",
            "-defaultIPv6",
            "",
            "-dns01",
            "127.0.0.1:" + dnsPort,
            "-http01",
            "",
            "-https01",
            "",
            "-tlsalpn01",
            "",
            "-management",
            "127.0.0.1:" + freePort()),
        "challtestsrv.log");
    ProcessBuilder pebble =
        new ProcessBuilder(
            "pebble",
            "-config",
            dir.resolve("pebble-config.json").toString(),
            "-dnsserver",
            "127.0.0.1:" + dnsPort);
    pebble.environment().put("PEBBLE_VA_NOSLEEP", "1");
    start(pebble, "pebble.log");
    this.client = HttpClient.newBuilder().sslContext(trust()).build();
    waitForDirectory();
  }

  /** The ACME directory URL (pebble's own TLS is signed by {@link #caFile()}). */
  public URI directory() {
    return URI.create("https://localhost:" + port + "/dir");
  }

  /** The CA of pebble's listener: what {@code acme_ca_file} names. */
  public Path caFile() {
    return dir.resolve("ca.pem");
  }

  /** The root that signs what pebble issues (a fresh one each start), PEM. */
  public String issuingRoot() throws IOException, InterruptedException {
    return get("https://127.0.0.1:" + managementPort + "/roots/0");
  }

  /** {@link #issuingRoot()} parsed: issued chains verify against its key. */
  public java.security.cert.X509Certificate issuingRootCertificate()
      throws IOException, InterruptedException {
    try {
      return (java.security.cert.X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(
                  new java.io.ByteArrayInputStream(
                      issuingRoot().getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    } catch (java.security.cert.CertificateException e) {
      throw new IOException("pebble's root does not parse", e);
    }
  }

  /** pebble's log so far, for failure messages. */
  public String log() throws IOException {
    return Files.readString(dir.resolve("pebble.log"));
  }

  /** Stops the CA (its state is in memory: a restart is a new CA). */
  @Override
  public void close() {
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      try {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void start(List<String> cmd, String log) throws IOException {
    start(new ProcessBuilder(cmd), log);
  }

  private void start(ProcessBuilder b, String log) throws IOException {
    b.redirectErrorStream(true).redirectOutput(dir.resolve(log).toFile());
    processes.add(b.start());
  }

  private void waitForDirectory() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    IOException last = null;
    while (System.nanoTime() < deadline) {
      try {
        get(directory().toString());
        return;
      } catch (IOException e) {
        last = e;
        Thread.sleep(100);
      }
    }
    close();
    throw new IOException("pebble did not start:\n" + log(), last);
  }

  private String get(String url) throws IOException, InterruptedException {
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException(url + " answered " + r.statusCode());
    }
    return r.body();
  }

  private SSLContext trust() throws IOException {
    try {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      try (var in = Files.newInputStream(caFile())) {
        ks.setCertificateEntry(
            "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  /** A CA and a localhost certificate for pebble's own HTTPS listener (the package ships none). */
  private void tlsForListener() throws IOException, InterruptedException {
    openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=aralez test pebble listener CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign");
    openssl(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "key.pem",
        "-out",
        "cert.csr",
        "-subj",
        "/CN=localhost");
    Files.writeString(
        dir.resolve("ext.cnf"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
    openssl(
        "x509",
        "-req",
        "-in",
        "cert.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "cert.pem",
        "-days",
        "2",
        "-extfile",
        "ext.cnf");
  }

  private void openssl(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add("openssl");
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed:\n" + out);
    }
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
