package io.aralez.dataplane.testing;

import io.aralez.dataplane.tls.SelfSignedKeyStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
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
    KeyStore ks =
        SelfSignedKeyStore.create(
            store, "backend", PASSWORD, "dns:localhost,dns:tls.test,ip:127.0.0.1");
    Files.writeString(
        certPem, SelfSignedKeyStore.pem("CERTIFICATE", ks.getCertificate("backend").getEncoded()));
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
