package io.aralez.dataplane.aot;

import io.aralez.dataplane.tls.SelfSignedKeyStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throwaway certificate for the training's TLS listener ({@link SelfSignedKeyStore}), written the
 * way a user installs one: {@code NAME.crt} + {@code NAME.key} PEM files in the proxy's certificate
 * folder.
 */
final class TrainingCertificate {
  private static final String PASSWORD = "training";

  private final KeyStore store;

  private TrainingCertificate(KeyStore store) {
    this.store = store;
  }

  /** Makes a certificate for localhost and 127.0.0.1 and writes it into {@code certDir}. */
  static TrainingCertificate create(Path workDir, Path certDir) throws Exception {
    KeyStore ks =
        SelfSignedKeyStore.create(
            workDir.resolve("training.p12"),
            "training",
            PASSWORD.toCharArray(),
            "dns:localhost,ip:127.0.0.1");
    Files.createDirectories(certDir);
    X509Certificate cert = (X509Certificate) ks.getCertificate("training");
    Files.writeString(
        certDir.resolve("training.crt"), SelfSignedKeyStore.pem("CERTIFICATE", cert.getEncoded()));
    byte[] key = ks.getKey("training", PASSWORD.toCharArray()).getEncoded();
    Files.writeString(certDir.resolve("training.key"), SelfSignedKeyStore.pem("PRIVATE KEY", key));
    return new TrainingCertificate(ks);
  }

  /** A client context that trusts this certificate only. */
  SSLContext clientContext() throws Exception {
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }
}
