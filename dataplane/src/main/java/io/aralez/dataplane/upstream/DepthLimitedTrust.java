package io.aralez.dataplane.upstream;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A backend's chain checked by PKIX, then held to nginx's proxy_ssl_verify_depth: at most {@code
 * depth} intermediate CAs between the backend's certificate and the trusted CA (OpenSSL's count:
 * neither end counts). PKIX's own path length limit applies only when it builds a path, not to the
 * complete chain a backend sends, so the limit is checked here.
 */
final class DepthLimitedTrust extends X509ExtendedTrustManager {
  private final X509ExtendedTrustManager pkix;
  private final List<X509Certificate> anchors;
  private final int depth;

  DepthLimitedTrust(X509ExtendedTrustManager pkix, List<X509Certificate> anchors, int depth) {
    this.pkix = pkix;
    this.anchors = List.copyOf(anchors);
    this.depth = depth;
  }

  /** The intermediates of {@code chain} below the first trusted CA it reaches. */
  static int intermediates(X509Certificate[] chain, List<X509Certificate> anchors) {
    for (int i = 0; i < chain.length; i++) {
      if (i > 0 && anchors.contains(chain[i])) {
        return i - 1;
      }
      for (X509Certificate a : anchors) {
        if (chain[i].getIssuerX500Principal().equals(a.getSubjectX500Principal())) {
          return i;
        }
      }
    }
    return chain.length - 1;
  }

  private void limit(X509Certificate[] chain) throws CertificateException {
    int n = intermediates(chain, anchors);
    if (n > depth) {
      throw new CertificateException(
          n + " intermediate certificates, more than the verify depth " + depth);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    pkix.checkServerTrusted(chain, authType, engine);
    limit(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    pkix.checkServerTrusted(chain, authType, socket);
    limit(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    pkix.checkServerTrusted(chain, authType);
    limit(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("a client context checks no clients");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("a client context checks no clients");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("a client context checks no clients");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return pkix.getAcceptedIssuers();
  }
}
