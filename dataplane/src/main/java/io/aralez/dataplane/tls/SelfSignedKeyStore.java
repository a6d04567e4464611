package io.aralez.dataplane.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway self-signed EC certificate (P-256, two days) in a PKCS12 store, made with the running
 * JVM's keytool, which every JDK and JRE has: for the AOT training's TLS listener and for tests,
 * never for serving real traffic.
 */
public final class SelfSignedKeyStore {
  private SelfSignedKeyStore() {}

  /**
   * Makes {@code store} with one entry {@code alias} for CN=localhost and the given subject
   * alternative names (keytool's syntax, e.g. {@code dns:localhost,ip:127.0.0.1}) and loads it.
   */
  public static KeyStore create(Path store, String alias, char[] password, String sans)
      throws IOException, InterruptedException, java.security.GeneralSecurityException {
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    String pass = new String(password);
    Process p =
        new ProcessBuilder(
                List.of(
                    keytool,
                    "-genkeypair",
                    "-alias",
                    alias,
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
                    pass,
                    "-keypass",
                    pass,
                    "-ext",
                    "SAN=" + sans))
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("keytool could not make a certificate: " + output.strip());
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, password);
    }
    return ks;
  }

  /** DER bytes as a PEM block of the given type ({@code CERTIFICATE}, {@code PRIVATE KEY}). */
  public static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
