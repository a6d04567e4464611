package io.aralez.dataplane.aot;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throwaway certificate for the training's TLS listener, made with the JVM's own keytool (in
 * every JDK and JRE) and written the way a user installs one: {@code NAME.crt} + {@code NAME.key}
 * PEM files in the proxy's certificate folder.
 */
final class TrainingCertificate {
  private static final String PASSWORD = "training";

  private final KeyStore store;

  private TrainingCertificate(KeyStore store) {
    this.store = store;
  }

  /** Makes a certificate for localhost and 127.0.0.1 and writes it into {@code certDir}. */
  static TrainingCertificate create(Path workDir, Path certDir) throws Exception {
    Path p12 = workDir.resolve("training.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process p =
        new ProcessBuilder(
                List.of(
                    keytool,
                    "-genkeypair",
                    "-alias",
                    "training",
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
                    p12.toString(),
                    "-storepass",
                    PASSWORD,
                    "-keypass",
                    PASSWORD,
                    "-ext",
                    "SAN=dns:localhost,ip:127.0.0.1"))
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("keytool could not make the training certificate: " + output.strip());
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(p12)) {
      ks.load(in, PASSWORD.toCharArray());
    }
    Files.createDirectories(certDir);
    X509Certificate cert = (X509Certificate) ks.getCertificate("training");
    Files.writeString(certDir.resolve("training.crt"), pem("CERTIFICATE", cert.getEncoded()));
    byte[] key = ks.getKey("training", PASSWORD.toCharArray()).getEncoded();
    Files.writeString(certDir.resolve("training.key"), pem("PRIVATE KEY", key));
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

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
