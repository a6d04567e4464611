package io.aralez.e2e;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.aralez.common.pem.PemFiles;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real HTTPS backend that demands a client certificate: its own certificate is self-signed for
 * {@code backend.internal} (so it is also the CA a proxy must trust), and it accepts only the
 * client certificate it was given. It answers "client=<subject>" with the certificate it saw and
 * "sni=<name>" with the server name the client asked for (or none), and the negotiated "cipher="
 * and "protocol=".
 */
final class TlsBackend implements AutoCloseable {
  final Path serverCrt;
  final Path clientCrt;
  final Path clientKey;
  final HttpsServer server;

  TlsBackend(Path dir) throws Exception {
    this(dir, null, null);
  }

  /**
   * @param chain the server's certificate chain (PEM), or null for a self-signed one for
   *     backend.internal
   * @param chainKey its key
   */
  TlsBackend(Path dir, Path chain, Path chainKey) throws Exception {
    serverCrt = chain != null ? chain : dir.resolve("backend.crt");
    Path serverKey = chain != null ? chainKey : dir.resolve("backend.key");
    clientCrt = dir.resolve("client.crt");
    clientKey = dir.resolve("client.key");
    if (chain == null) {
      Fixtures.selfSigned(serverCrt, serverKey, "backend.internal", "DNS:backend.internal");
    }
    Fixtures.selfSigned(clientCrt, clientKey, "aralez-client", "DNS:aralez-client");
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry(
        "server",
        PemFiles.privateKey(serverKey),
        new char[0],
        PemFiles.certificates(serverCrt).toArray(new X509Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, new char[0]);
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("client", PemFiles.certificates(clientCrt).get(0));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.setHttpsConfigurator(
        new HttpsConfigurator(ctx) {
          @Override
          public void configure(HttpsParameters params) {
            var p = ctx.getDefaultSSLParameters();
            p.setNeedClientAuth(true);
            params.setSSLParameters(p);
          }
        });
    server.createContext(
        "/",
        ex -> {
          String who;
          try {
            who = ((HttpsExchange) ex).getSSLSession().getPeerPrincipal().getName();
          } catch (Exception e) {
            who = "none";
          }
          String sni = "none";
          if (((HttpsExchange) ex).getSSLSession() instanceof javax.net.ssl.ExtendedSSLSession e) {
            for (var n : e.getRequestedServerNames()) {
              if (n instanceof javax.net.ssl.SNIHostName h) {
                sni = h.getAsciiName();
              }
            }
          }
          var session = ((HttpsExchange) ex).getSSLSession();
          byte[] out =
              ("client="
                      + who
                      + "\nsni="
                      + sni
                      + "\ncipher="
                      + session.getCipherSuite()
                      + "\nprotocol="
                      + session.getProtocol()
                      + "\n")
                  .getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, out.length);
          try (OutputStream o = ex.getResponseBody()) {
            o.write(out);
          }
        });
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  static String read(Path p) throws java.io.IOException {
    return Files.readString(p, StandardCharsets.US_ASCII);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
