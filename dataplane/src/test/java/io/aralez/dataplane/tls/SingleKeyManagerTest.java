package io.aralez.dataplane.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.common.pem.PemFiles;
import io.aralez.dataplane.testing.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.KeyManagerFactoryWrapper;
import io.netty.handler.ssl.util.TrustManagerFactoryWrapper;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which key types a handshake asks for the one key suits, the way the JDK's key manager says. */
class SingleKeyManagerTest {
  @TempDir Path dir;

  @Test
  void selfSignedKeysSuitTheirOwnAlgorithmOnly() throws Exception {
    OpenSsl.selfSigned(dir, "ec", "ec", "ec.test");
    OpenSsl.selfSigned(dir, "rsa", "rsa", "rsa.test");
    SingleKeyManager ec = manager("ec");
    SingleKeyManager rsa = manager("rsa");
    assertThat(ec.chooseEngineServerAlias("EC", null, null)).isEqualTo(SingleKeyManager.ALIAS);
    assertThat(ec.chooseEngineServerAlias("EC_EC", null, null)).isEqualTo(SingleKeyManager.ALIAS);
    assertThat(ec.chooseEngineServerAlias("RSA", null, null)).isNull();
    assertThat(ec.chooseEngineServerAlias("EC_RSA", null, null)).isNull();
    assertThat(rsa.chooseServerAlias("RSA", null, null)).isEqualTo(SingleKeyManager.ALIAS);
    assertThat(rsa.chooseServerAlias("DH_RSA", null, null)).isNull();
    assertThat(rsa.getServerAliases("EC", null)).isNull();
    assertThat(rsa.chooseEngineServerAlias(null, null, null)).isNull();
    // Never a client certificate, and nothing under another alias.
    assertThat(ec.chooseEngineClientAlias(new String[] {"EC"}, null, null)).isNull();
    assertThat(ec.getPrivateKey("other")).isNull();
    assertThat(ec.getCertificateChain("other")).isNull();
    assertThat(ec.getPrivateKey(SingleKeyManager.ALIAS).getAlgorithm()).isEqualTo("EC");
  }

  @Test
  void anEcKeyInACertificateAnRsaKeySignedSuitsEcAndEcRsa() throws Exception {
    OpenSsl.selfSigned(dir, "ca", "rsa", "ca.test");
    OpenSsl.run(
        List.of(
            "openssl",
            "req",
            "-new",
            "-nodes",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-keyout",
            dir.resolve("leaf.key").toString(),
            "-out",
            dir.resolve("leaf.csr").toString(),
            "-subj",
            "/CN=leaf.test"));
    OpenSsl.run(
        List.of(
            "openssl",
            "x509",
            "-req",
            "-days",
            "2",
            "-in",
            dir.resolve("leaf.csr").toString(),
            "-CA",
            dir.resolve("ca.crt").toString(),
            "-CAkey",
            dir.resolve("ca.key").toString(),
            "-CAcreateserial",
            "-out",
            dir.resolve("leaf.crt").toString()));
    PrivateKey key = PemFiles.privateKey(dir.resolve("leaf.key"));
    X509Certificate leaf = PemFiles.certificates(dir.resolve("leaf.crt")).get(0);
    X509Certificate ca = PemFiles.certificates(dir.resolve("ca.crt")).get(0);
    // Alone, the certificate's signature algorithm tells; with its issuer, the issuer's key does.
    for (X509Certificate[] chain :
        List.of(new X509Certificate[] {leaf}, new X509Certificate[] {leaf, ca})) {
      SingleKeyManager m = new SingleKeyManager(key, chain);
      assertThat(m.suits("EC")).isTrue();
      assertThat(m.suits("EC_RSA")).isTrue();
      assertThat(m.suits("EC_EC")).isFalse();
      assertThat(m.suits("RSA")).isFalse();
      assertThat(m.getCertificateChain(SingleKeyManager.ALIAS)).containsExactly(chain);
    }
  }

  /**
   * The JDK's own TLS (the fallback where BoringSSL does not load) asks the key manager with its
   * own key type names; a real handshake over each protocol gets the pair's certificate.
   */
  @Test
  void theJdkEngineServesTheKeyToo() throws Exception {
    OpenSsl.selfSigned(dir, "ec", "ec", "ec.test");
    OpenSsl.selfSigned(dir, "rsa", "rsa", "rsa.test");
    for (String name : List.of("ec", "rsa")) {
      SslContext server =
          SslContextBuilder.forServer(new KeyManagerFactoryWrapper(manager(name)))
              .sslProvider(SslProvider.JDK)
              .trustManager(new TrustManagerFactoryWrapper(NoClientCertificates.INSTANCE))
              .build();
      X509Certificate expected = PemFiles.certificates(dir.resolve(name + ".crt")).get(0);
      for (String protocol : List.of("TLSv1.2", "TLSv1.3")) {
        assertThat(CertificateLoaderTest.handshake(server, protocol))
            .as(name + " over " + protocol)
            .isEqualTo(expected);
      }
    }
  }

  private SingleKeyManager manager(String name) throws Exception {
    return new SingleKeyManager(
        PemFiles.privateKey(dir.resolve(name + ".key")),
        PemFiles.certificates(dir.resolve(name + ".crt")).toArray(X509Certificate[]::new));
  }
}
