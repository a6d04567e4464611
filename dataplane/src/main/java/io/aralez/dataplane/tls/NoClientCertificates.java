package io.aralez.dataplane.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The trust manager of a server context that asks for no client certificate. Without one, Netty
 * initialises the JDK's default trust store for every context — reading and parsing the ~140
 * certificates of the system's CA file — and hands all their names to OpenSSL as the client CA
 * list, on every certificate pair loaded; none of it is ever used when no client certificate is
 * requested. Trusting nobody also keeps that true if one ever were.
 */
final class NoClientCertificates extends X509ExtendedTrustManager {
  static final NoClientCertificates INSTANCE = new NoClientCertificates();

  private static final X509Certificate[] NONE = new X509Certificate[0];

  private NoClientCertificates() {}

  private static CertificateException refused() {
    return new CertificateException("this listener accepts no client certificates");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw refused();
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw refused();
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw refused();
  }

  /** A server's context never checks a server. */
  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw refused();
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw refused();
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw refused();
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return NONE;
  }
}
