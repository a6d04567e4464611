package io.aralez.acme;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Optional;
import java.util.ServiceLoader;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.challenge.Challenge;
import org.shredzone.acme4j.connector.Connection;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.provider.AcmeProvider;
import org.shredzone.acme4j.provider.GenericAcmeProvider;
import org.shredzone.acme4j.toolbox.JSON;

/**
 * Opens acme4j sessions. With a CA file, the ACME server's own TLS certificate is checked against
 * that file alone (a private CA such as pebble's, or a corporate one); without it, against the
 * JDK's trust store.
 */
public final class AcmeSessions {
  private AcmeSessions() {}

  /**
   * @param caFile PEM certificates to trust for the ACME server's TLS, or null
   * @param timeout for each call to the ACME server
   */
  public static Session open(URI directory, Path caFile, Duration timeout)
      throws IOException, GeneralSecurityException {
    Keys.ready();
    AcmeProvider provider = providerFor(directory);
    if (caFile != null) {
      provider = new TrustingProvider(provider, sslContext(caFile));
    }
    Session session = new Session(directory, provider);
    session.networkSettings().setTimeout(timeout);
    return session;
  }

  private static AcmeProvider providerFor(URI directory) {
    for (AcmeProvider p : ServiceLoader.load(AcmeProvider.class)) {
      if (p.accepts(directory)) {
        return p;
      }
    }
    if ("https".equalsIgnoreCase(directory.getScheme())) {
      return new GenericAcmeProvider();
    }
    throw new IllegalArgumentException("no ACME provider knows " + directory);
  }

  static SSLContext sslContext(Path caFile) throws IOException, GeneralSecurityException {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(caFile)) {
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        trust.setCertificateEntry("ca-" + i++, c);
      }
      if (i == 0) {
        throw new GeneralSecurityException(caFile + " holds no PEM certificate");
      }
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  /** A provider that is another one in every respect but the trust of its HTTP client. */
  private static final class TrustingProvider implements AcmeProvider {
    private final AcmeProvider delegate;
    private final SSLContext ssl;

    TrustingProvider(AcmeProvider delegate, SSLContext ssl) {
      this.delegate = delegate;
      this.ssl = ssl;
    }

    @Override
    public HttpClient createHttpClient(NetworkSettings settings) {
      return HttpClient.newBuilder()
          .connectTimeout(settings.getTimeout())
          .followRedirects(HttpClient.Redirect.NORMAL)
          .proxy(settings.getProxySelector())
          .sslContext(ssl)
          .build();
    }

    @Override
    public boolean accepts(URI serverUri) {
      return delegate.accepts(serverUri);
    }

    @Override
    public URL resolve(URI serverUri) {
      return delegate.resolve(serverUri);
    }

    @Override
    public Connection connect(URI serverUri, NetworkSettings settings, HttpClient client) {
      return delegate.connect(serverUri, settings, client);
    }

    @Override
    public JSON directory(Session session, URI serverUri) throws AcmeException {
      return delegate.directory(session, serverUri);
    }

    @Override
    public Challenge createChallenge(Login login, JSON data) {
      return delegate.createChallenge(login, data);
    }

    @Override
    public Optional<String> getProposedEabMacAlgorithm() {
      return delegate.getProposedEabMacAlgorithm();
    }
  }
}
