package io.aralez.dataplane.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.common.pem.PemFiles;
import io.aralez.dataplane.config.RouteRules;
import io.aralez.dataplane.testing.OpenSsl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client-certificate check against real certificates: chains, depth, strangers, expiry. */
class ClientCertStepTest {
  @TempDir static Path dir;
  static X509Certificate root;
  static X509Certificate intermediate;
  static X509Certificate leaf;
  static X509Certificate stranger;

  @BeforeAll
  static void certificates() throws Exception {
    OpenSsl.selfSigned(dir, "root", "ec", "root.test");
    OpenSsl.selfSigned(dir, "stranger", "ec", "stranger.test");
    Path ext = Files.writeString(dir.resolve("ca.ext"), "basicConstraints=critical,CA:TRUE\n");
    sign("intermediate", "root", ext);
    sign("leaf", "intermediate", null);
    root = cert("root");
    intermediate = cert("intermediate");
    leaf = cert("leaf");
    stranger = cert("stranger");
  }

  /** {@code name}.crt with a new key, signed by {@code issuer}. */
  static void sign(String name, String issuer, Path ext) throws Exception {
    OpenSsl.run(
        List.of(
            "openssl",
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-subj",
            "/CN=" + name,
            "-keyout",
            dir.resolve(name + ".key").toString(),
            "-out",
            dir.resolve(name + ".csr").toString()));
    var cmd =
        new java.util.ArrayList<>(
            List.of(
                "openssl",
                "x509",
                "-req",
                "-in",
                dir.resolve(name + ".csr").toString(),
                "-CA",
                dir.resolve(issuer + ".crt").toString(),
                "-CAkey",
                dir.resolve(issuer + ".key").toString(),
                "-CAcreateserial",
                "-days",
                "2",
                "-out",
                dir.resolve(name + ".crt").toString()));
    if (ext != null) {
      cmd.addAll(List.of("-extfile", ext.toString()));
    }
    OpenSsl.run(cmd);
  }

  static X509Certificate cert(String name) throws Exception {
    return PemFiles.certificates(dir.resolve(name + ".crt")).get(0);
  }

  static RouteRules.ClientAuth trusting(int depth, X509Certificate... cas) {
    return new RouteRules.ClientAuth(List.of(cas), "on", depth, false, null, null);
  }

  @Test
  void aChainIsCheckedUpToItsTrustedCaWithinTheDepth() {
    assertThat(ClientCertStep.verify(List.of(leaf, intermediate), trusting(2, root)))
        .isEqualTo("SUCCESS");
    assertThat(ClientCertStep.verify(List.of(leaf, intermediate, root), trusting(2, root)))
        .as("the client may send the root too")
        .isEqualTo("SUCCESS");
    assertThat(ClientCertStep.verify(List.of(leaf, intermediate), trusting(1, root)))
        .as("nginx's default depth 1 (OpenSSL's count): one intermediate may sit in between")
        .isEqualTo("SUCCESS");
    assertThat(ClientCertStep.verify(List.of(leaf, intermediate), trusting(0, root)))
        .as("depth 0: the client's issuer must be trusted itself")
        .isEqualTo("FAILED:certificate chain too long");
    assertThat(ClientCertStep.verify(List.of(leaf), trusting(1, intermediate)))
        .isEqualTo("SUCCESS");
    assertThat(ClientCertStep.verify(List.of(leaf), trusting(2, root)))
        .as("the intermediate is missing")
        .startsWith("FAILED:");
    assertThat(ClientCertStep.verify(List.of(stranger), trusting(1, root))).startsWith("FAILED:");
    assertThat(ClientCertStep.verify(List.of(stranger), trusting(1, stranger)))
        .as("a certificate trusted as such")
        .isEqualTo("SUCCESS");
  }

  @Test
  void aForgedChainIsRefused() {
    // The leaf claims the stranger as its issuer's place in the chain: signatures do not match.
    assertThat(ClientCertStep.verify(List.of(leaf, stranger), trusting(2, stranger)))
        .startsWith("FAILED:");
  }
}
