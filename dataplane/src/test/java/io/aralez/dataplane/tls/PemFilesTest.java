package io.aralez.dataplane.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aralez.common.pem.PemFiles;
import io.aralez.dataplane.testing.OpenSsl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("catalogue-2.8")
class PemFilesTest {
  @TempDir Path dir;

  @Test
  void readsPkcs8Pkcs1AndSec1Keys() throws Exception {
    OpenSsl.run(
        List.of(
            "openssl",
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-out",
            dir.resolve("p8.key").toString()));
    OpenSsl.run(
        List.of(
            "openssl", "genrsa", "-traditional", "-out", dir.resolve("p1.key").toString(), "2048"));
    OpenSsl.run(
        List.of(
            "openssl",
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-noout",
            "-out",
            dir.resolve("ec.key").toString()));
    assertThat(Files.readString(dir.resolve("p1.key"))).contains("BEGIN RSA PRIVATE KEY");
    assertThat(Files.readString(dir.resolve("ec.key"))).contains("BEGIN EC PRIVATE KEY");
    assertThat(PemFiles.privateKey(dir.resolve("p8.key")).getAlgorithm()).isEqualTo("RSA");
    assertThat(PemFiles.privateKey(dir.resolve("p1.key")).getAlgorithm()).isEqualTo("RSA");
    assertThat(PemFiles.privateKey(dir.resolve("ec.key")).getAlgorithm()).isEqualTo("EC");
  }

  @Test
  void readsChainsAndNames() throws Exception {
    OpenSsl.selfSigned(dir, "site", "ec", "example.com", "*.example.com");
    var chain = PemFiles.certificates(dir.resolve("site.crt"));
    assertThat(chain).hasSize(1);
    assertThat(CertificateLoader.names(chain.get(0)))
        .containsExactly("example.com", "*.example.com");
  }

  @Test
  void garbageIsAClearError() throws Exception {
    Files.writeString(dir.resolve("bad.key"), "not a key");
    assertThatThrownBy(() -> PemFiles.privateKey(dir.resolve("bad.key")))
        .hasMessageContaining("no PEM private key");
    Files.writeString(
        dir.resolve("bad.crt"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    assertThatThrownBy(() -> PemFiles.certificates(dir.resolve("bad.crt")))
        .isInstanceOf(Exception.class);
  }
}
