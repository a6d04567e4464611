package io.aralez.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.common.pem.PemFiles;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Certificates for client-certificate tests, made by the openssl command line: a client CA, a
 * client certificate it signed ("good-client"), one it did not ("stranger"), and a server
 * certificate for {@code *.mtls.test}, two intermediate CAs (the second under the first) and a
 * client certificate under them ("deep-client"; its chain file holds it and both intermediates);
 * and TLS client sockets presenting either or none.
 */
final class MutualTls {
  final Path caCrt;
  final Path goodCrt;
  final Path goodKey;
  final Path strangerCrt;
  final Path strangerKey;
  final Path serverCrt;
  final Path serverKey;
  final Path deepChain;
  final Path deepKey;
  final Path caKey;
  final Path intCrt;
  final Path intKey;
  final Path int2Crt;
  final Path int2Key;

  MutualTls(Path dir) throws Exception {
    caCrt = dir.resolve("client-ca.crt");
    caKey = dir.resolve("client-ca.key");
    goodCrt = dir.resolve("good.crt");
    goodKey = dir.resolve("good.key");
    strangerCrt = dir.resolve("stranger.crt");
    strangerKey = dir.resolve("stranger.key");
    serverCrt = dir.resolve("server.crt");
    serverKey = dir.resolve("server.key");
    Fixtures.selfSigned(caCrt, caKey, "Test Client CA", "DNS:client-ca.test");
    signed("good-client", goodKey, goodCrt, caCrt, caKey, null);
    Fixtures.selfSigned(strangerCrt, strangerKey, "stranger", "DNS:stranger.test");
    Fixtures.selfSigned(serverCrt, serverKey, "mtls.test", "DNS:*.mtls.test");
    intCrt = dir.resolve("int.crt");
    intKey = dir.resolve("int.key");
    Path ext = dir.resolve("ca.ext");
    java.nio.file.Files.writeString(
        ext, "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n");
    signed("Intermediate CA", intKey, intCrt, caCrt, caKey, ext);
    int2Crt = dir.resolve("int2.crt");
    int2Key = dir.resolve("int2.key");
    signed("Second Intermediate CA", int2Key, int2Crt, intCrt, intKey, ext);
    Path deepCrt = dir.resolve("deep.crt");
    deepKey = dir.resolve("deep.key");
    signed("deep-client", deepKey, deepCrt, int2Crt, int2Key, null);
    deepChain = dir.resolve("deep-chain.crt");
    java.nio.file.Files.writeString(
        deepChain,
        java.nio.file.Files.readString(deepCrt)
            + java.nio.file.Files.readString(int2Crt)
            + java.nio.file.Files.readString(intCrt));
  }

  /** A key and a certificate for {@code cn} signed by the CA {@code caCrt}/{@code caKey}. */
  static void signed(String cn, Path key, Path crt, Path caCrt, Path caKey, Path ext)
      throws Exception {
    Path csr = crt.resolveSibling(crt.getFileName() + ".csr");
    run(
        "openssl",
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=" + cn,
        "-keyout",
        key.toString(),
        "-out",
        csr.toString());
    List<String> x509 =
        new java.util.ArrayList<>(
            List.of(
                "openssl",
                "x509",
                "-req",
                "-in",
                csr.toString(),
                "-CA",
                caCrt.toString(),
                "-CAkey",
                caKey.toString(),
                "-CAcreateserial",
                "-days",
                "2",
                "-out",
                crt.toString()));
    if (ext != null) {
      x509.addAll(List.of("-extfile", ext.toString()));
    }
    run(x509.toArray(String[]::new));
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(String.join(" ", command) + "\n" + out).isZero();
  }

  /**
   * A TLS connection to {@code port} asking for {@code sni}, presenting {@code crt}/{@code key}
   * (null: no certificate), trusting whatever the server shows.
   */
  static Socket connect(int port, String sni, Path crt, Path key) throws Exception {
    KeyManager[] keys = null;
    if (crt != null) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry(
          "client",
          PemFiles.privateKey(key),
          new char[0],
          PemFiles.certificates(crt).toArray(new X509Certificate[0]));
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, new char[0]);
      keys = kmf.getKeyManagers();
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(keys, new TrustManager[] {new TrustAll()}, null);
    SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
    var params = s.getSSLParameters();
    params.setServerNames(List.of(new SNIHostName(sni)));
    s.setSSLParameters(params);
    s.startHandshake();
    return s;
  }

  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
