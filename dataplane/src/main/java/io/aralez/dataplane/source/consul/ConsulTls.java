package io.aralez.dataplane.source.consul;

import io.aralez.common.pem.PemFiles;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/** The TLS context of the Consul client: {@code consul.tls} as trust, client key and checking. */
final class ConsulTls {
  private ConsulTls() {}

  static SSLContext context(ConsulSettings.Tls tls) throws IOException, GeneralSecurityException {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(keyManagers(tls), trustManagers(tls), null);
    return ctx;
  }

  private static KeyManager[] keyManagers(ConsulSettings.Tls tls)
      throws IOException, GeneralSecurityException {
    if (tls.certFile() == null) {
      return null;
    }
    List<X509Certificate> chain = PemFiles.certificates(tls.certFile());
    PrivateKey key = PemFiles.privateKey(tls.keyFile());
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    char[] none = new char[0];
    ks.setKeyEntry("client", key, none, chain.toArray(new X509Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, none);
    return kmf.getKeyManagers();
  }

  private static TrustManager[] trustManagers(ConsulSettings.Tls tls)
      throws IOException, GeneralSecurityException {
    if (!tls.verify()) {
      return new TrustManager[] {new TrustingEverything()};
    }
    if (tls.caFile() == null) {
      return null;
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    int i = 0;
    for (X509Certificate c : PemFiles.certificates(tls.caFile())) {
      ks.setCertificateEntry("ca" + i++, c);
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    return tmf.getTrustManagers();
  }

  /**
   * {@code verify: false}. An extended trust manager, so the JDK does not wrap it with its own
   * host-name check: the operator asked for no checking of this connection, and only this one.
   */
  private static final class TrustingEverything extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

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
