package io.aralez.dataplane.upstream;

import io.aralez.common.pem.PemFiles;
import io.aralez.dataplane.config.UpstreamTlsSpec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * A client TLS context from a route's own upstream TLS settings: its trusted CAs with nginx's
 * verify depth, its client certificate, host-name verification when it verifies.
 */
final class RouteTls {
  private RouteTls() {}

  static SslContext build(UpstreamTlsSpec spec, String protocol)
      throws IOException, GeneralSecurityException {
    SslContextBuilder b = UpstreamTls.clientBuilder(protocol);
    if (!spec.verify()) {
      b.trustManager(InsecureTrustManagerFactory.INSTANCE);
    } else {
      if (spec.caPem() != null) {
        List<X509Certificate> cas = PemFiles.certificates("the upstream CA", spec.caPem());
        b.trustManager(new DepthLimitedTrust(trust(cas, spec), cas, spec.verifyDepth()));
      }
      b.endpointIdentificationAlgorithm("HTTPS");
    }
    if (!spec.ciphers().isEmpty()) {
      // TLS 1.2 suites only: TLS 1.3's are not chosen by configuration (as with nginx's list).
      b.ciphers(spec.ciphers());
    }
    if (!spec.protocols().isEmpty()) {
      b.protocols(spec.protocols());
    }
    if (spec.certPem() != null) {
      List<X509Certificate> chain =
          PemFiles.certificates("the upstream client certificate", spec.certPem());
      b.keyManager(
          PemFiles.privateKey("the upstream client key", spec.keyPem()),
          chain.toArray(new X509Certificate[0]));
    }
    return b.build();
  }

  /** PKIX trusting {@code cas} only, through at most verify-depth intermediates. */
  private static javax.net.ssl.X509ExtendedTrustManager trust(
      List<X509Certificate> cas, UpstreamTlsSpec spec)
      throws GeneralSecurityException, IOException {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    for (int i = 0; i < cas.size(); i++) {
      ks.setCertificateEntry("ca-" + i, cas.get(i));
    }
    PKIXBuilderParameters params = new PKIXBuilderParameters(ks, new X509CertSelector());
    // No revocation lookups from the data path: nginx does not check either without a CRL.
    params.setRevocationEnabled(false);
    params.setMaxPathLength(spec.verifyDepth());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(new CertPathTrustManagerParameters(params));
    for (var tm : tmf.getTrustManagers()) {
      if (tm instanceof javax.net.ssl.X509ExtendedTrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("no X.509 trust manager for the upstream CA");
  }
}
