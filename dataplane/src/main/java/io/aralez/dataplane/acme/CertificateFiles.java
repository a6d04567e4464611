package io.aralez.dataplane.acme;

import io.aralez.acme.Issued;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * The {@code <name>.crt} / {@code <name>.key} pairs in the certificate folder, which the folder
 * watcher hot-loads: ordered certificates are served by SNI without a restart.
 */
final class CertificateFiles {
  private final Path folder;

  CertificateFiles(Path folder) {
    this.folder = folder;
  }

  /** The leaf certificate now in {@code <name>.crt}, if there is a readable one. */
  Optional<X509Certificate> current(String name) {
    Path crt = folder.resolve(name + ".crt");
    if (!Files.isRegularFile(crt)) {
      return Optional.empty();
    }
    try (InputStream in = Files.newInputStream(crt)) {
      return Optional.of(
          (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
    } catch (IOException | GeneralSecurityException | ClassCastException e) {
      return Optional.empty();
    }
  }

  /**
   * The key first, then the chain: the watcher may see the new key with the old chain, never loads
   * that mismatch, and picks up the pair once both are in place.
   */
  void write(String name, Issued issued) throws IOException {
    StateFiles.write(folder.resolve(name + ".key"), issued.keyPem(), true);
    StateFiles.write(folder.resolve(name + ".crt"), issued.chainPem(), false);
  }
}
