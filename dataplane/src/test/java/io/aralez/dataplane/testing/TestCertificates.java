package io.aralez.dataplane.testing;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** Self-signed certificates made with the JDK's keytool, for TLS backends in tests. */
public final class TestCertificates {
  private static final char[] PASSWORD = "changeit".toCharArray();

  private TestCertificates() {}

  /** A key manager for a self-signed certificate for localhost and 127.0.0.1. */
  public static KeyManagerFactory selfSigned(Path dir) throws Exception {
    return selfSigned(dir, dir.resolve("backend-" + System.nanoTime() + ".pem"));
  }

  /**
   * A key manager for a self-signed certificate for localhost, tls.test and 127.0.0.1; the
   * certificate itself is written to {@code certPem} (to trust it).
   */
  public static KeyManagerFactory selfSigned(Path dir, Path certPem) throws Exception {
    Path store = dir.resolve("backend-" + System.nanoTime() + ".p12");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "backend",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                "changeit",
                "-keypass",
                "changeit",
                "-ext",
                "SAN=dns:localhost,dns:tls.test,ip:127.0.0.1")
            .redirectErrorStream(true)
            .start();
    p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("keytool failed");
    }
    Process export =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-exportcert",
                "-rfc",
                "-alias",
                "backend",
                "-keystore",
                store.toString(),
                "-storepass",
                "changeit",
                "-file",
                certPem.toString())
            .redirectErrorStream(true)
            .start();
    export.getInputStream().readAllBytes();
    if (!export.waitFor(60, TimeUnit.SECONDS) || export.exitValue() != 0) {
      throw new IllegalStateException("keytool -exportcert failed");
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, PASSWORD);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, PASSWORD);
    return kmf;
  }

  public static SSLContext sslContext(KeyManagerFactory kmf) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return ctx;
  }
}
