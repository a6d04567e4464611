package io.aralez.dataplane.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.common.pem.PemFiles;
import io.aralez.dataplane.config.MainConfig.TlsGrade;
import io.aralez.dataplane.testing.OpenSsl;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The folder loader's contexts: each serves its own key and chain (RSA and EC, TLS 1.2 and 1.3, a
 * real handshake between engines), and a pair whose key is not the certificate's is refused.
 */
@Tag("catalogue-2.8")
class CertificateLoaderTest {
  @TempDir Path dir;

  @Test
  void eachContextHandshakesWithItsOwnKeyAndChain() throws Exception {
    OpenSsl.selfSigned(dir, "r", "rsa", "r.test");
    OpenSsl.selfSigned(dir, "e", "ec", "e.test");
    Certificates set = new CertificateLoader(dir, TlsGrade.MEDIUM, "r").load();
    assertThat(set.loaded()).extracting(Certificates.Loaded::name).containsExactly("e", "r");
    for (String name : List.of("r", "e")) {
      X509Certificate expected = PemFiles.certificates(dir.resolve(name + ".crt")).get(0);
      for (String protocol : List.of("TLSv1.2", "TLSv1.3")) {
        assertThat(handshake(set.select(name + ".test"), protocol))
            .as(name + " over " + protocol)
            .isEqualTo(expected);
      }
    }
  }

  @Test
  void aKeyThatIsNotTheCertificatesIsRefusedAndTheLastGoodPairKeepsServing() throws Exception {
    OpenSsl.selfSigned(dir, "a", "ec", "a.test");
    OpenSsl.selfSigned(dir, "b", "ec", "b.test");
    CertificateLoader loader = new CertificateLoader(dir, TlsGrade.MEDIUM, null);
    Certificates first = loader.load();
    X509Certificate b = PemFiles.certificates(dir.resolve("b.crt")).get(0);
    assertThat(loader.failures()).isZero();

    // b's certificate with a's key: refused, b's last good pair still answers for b.test.
    Files.copy(dir.resolve("a.key"), dir.resolve("b.key"), StandardCopyOption.REPLACE_EXISTING);
    Certificates second = loader.load();
    assertThat(loader.failures()).isEqualTo(1);
    assertThat(second.select("b.test")).isSameAs(first.select("b.test"));
    assertThat(handshake(second.select("b.test"), "TLSv1.3")).isEqualTo(b);

    // A new pair that never loaded is skipped.
    OpenSsl.selfSigned(dir, "c", "rsa", "c.test");
    Files.copy(dir.resolve("a.key"), dir.resolve("c.key"), StandardCopyOption.REPLACE_EXISTING);
    Certificates third = new CertificateLoader(dir, TlsGrade.MEDIUM, null).load();
    assertThat(third.loaded()).extracting(Certificates.Loaded::name).doesNotContain("c");
  }

  /** The certificate a JDK client sees from {@code server} after a handshake over memory. */
  static X509Certificate handshake(SslContext server, String protocol) throws Exception {
    SslContext client =
        SslContextBuilder.forClient()
            .sslProvider(SslProvider.JDK)
            .protocols(protocol)
            .trustManager(InsecureTrustManagerFactory.INSTANCE)
            .build();
    SSLEngine c = client.newEngine(ByteBufAllocator.DEFAULT, "peer.test", 443);
    SSLEngine s = server.newEngine(ByteBufAllocator.DEFAULT);
    try {
      ByteBuffer toServer = ByteBuffer.allocate(1 << 17);
      ByteBuffer toClient = ByteBuffer.allocate(1 << 17);
      ByteBuffer app = ByteBuffer.allocate(1 << 17);
      ByteBuffer none = ByteBuffer.allocate(0);
      c.beginHandshake();
      s.beginHandshake();
      for (int round = 0; round < 50 && !(finished(c) && finished(s)); round++) {
        c.wrap(none, toServer);
        runTasks(c);
        toServer.flip();
        s.unwrap(toServer, app);
        toServer.compact();
        runTasks(s);
        s.wrap(none, toClient);
        runTasks(s);
        toClient.flip();
        c.unwrap(toClient, app);
        toClient.compact();
        runTasks(c);
      }
      assertThat(finished(c) && finished(s)).as("handshake over " + protocol).isTrue();
      assertThat(c.getSession().getProtocol()).isEqualTo(protocol);
      return (X509Certificate) c.getSession().getPeerCertificates()[0];
    } finally {
      ReferenceCountUtil.release(s);
      ReferenceCountUtil.release(c);
    }
  }

  private static boolean finished(SSLEngine e) {
    HandshakeStatus h = e.getHandshakeStatus();
    return h == HandshakeStatus.NOT_HANDSHAKING || h == HandshakeStatus.FINISHED;
  }

  private static void runTasks(SSLEngine e) {
    for (Runnable t = e.getDelegatedTask(); t != null; t = e.getDelegatedTask()) {
      t.run();
    }
  }
}
