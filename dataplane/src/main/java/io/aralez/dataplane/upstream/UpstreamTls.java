package io.aralez.dataplane.upstream;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.File;
import java.nio.file.Path;
import javax.net.ssl.SSLException;

/**
 * Client TLS contexts towards backends. By default, as in the original, any certificate is accepted
 * (backends commonly use self-signed ones); {@code upstream_tls_verify: true} verifies the chain
 * against the system CAs or {@code ca_file}, and the host name against the request's host (SNI).
 * BoringSSL through netty-tcnative is used where it loads, the JDK provider otherwise.
 */
public final class UpstreamTls {
  /** Which protocols to offer by ALPN. */
  public enum Alpn {
    HTTP1,
    H2,
    DETECT,
    /**
     * HTTP/1.1 with the certificate always verified, whatever the backend setting (auth servers).
     */
    HTTP1_VERIFIED
  }

  private final boolean verify;
  private final SslContext http1;
  private final SslContext h2;
  private final SslContext detect;
  private final SslContext verifiedHttp1;

  public UpstreamTls(boolean verify, Path caFile) throws SSLException {
    this.verify = verify;
    this.http1 = build(verify, caFile, ApplicationProtocolNames.HTTP_1_1);
    this.h2 = build(verify, caFile, ApplicationProtocolNames.HTTP_2);
    // Detection only learns whether the backend speaks TLS, so it never fails on the certificate;
    // traffic and health probes then use the verifying contexts.
    this.verifiedHttp1 = verify ? http1 : build(true, caFile, ApplicationProtocolNames.HTTP_1_1);
    this.detect =
        build(false, null, ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1);
  }

  public boolean verify() {
    return verify;
  }

  /** Contexts of routes' own TLS settings, by spec and protocols; rebuilt only when they change. */
  private final java.util.concurrent.ConcurrentHashMap<String, SslContext> routeContexts =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Past this many, the route contexts are dropped and built again as used (specs churned). */
  private static final int MAX_ROUTE_CONTEXTS = 256;

  /**
   * The context for a route's own TLS settings. The spec was checked by the validator before its
   * config went live, so a failure here is unexpected: it fails the connection (502).
   */
  public SslContext context(Alpn alpn, io.aralez.dataplane.config.UpstreamTlsSpec spec) {
    String key = spec.id() + "/" + alpn;
    SslContext ctx = routeContexts.get(key);
    if (ctx != null) {
      return ctx;
    }
    if (routeContexts.size() >= MAX_ROUTE_CONTEXTS) {
      routeContexts.clear();
    }
    try {
      ctx =
          RouteTls.build(
              spec,
              alpn == Alpn.H2
                  ? ApplicationProtocolNames.HTTP_2
                  : ApplicationProtocolNames.HTTP_1_1);
    } catch (java.io.IOException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException("upstream TLS settings unusable: " + e.getMessage(), e);
    }
    routeContexts.put(key, ctx);
    return ctx;
  }

  public SslContext context(Alpn alpn) {
    return switch (alpn) {
      case HTTP1 -> http1;
      case H2 -> h2;
      case DETECT -> detect;
      case HTTP1_VERIFIED -> verifiedHttp1;
    };
  }

  /** A client context builder offering {@code protocols} by ALPN, BoringSSL where it loads. */
  static SslContextBuilder clientBuilder(String... protocols) {
    return SslContextBuilder.forClient()
        .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
        .applicationProtocolConfig(
            new ApplicationProtocolConfig(
                Protocol.ALPN,
                SelectorFailureBehavior.NO_ADVERTISE,
                SelectedListenerFailureBehavior.ACCEPT,
                protocols));
  }

  private static SslContext build(boolean verify, Path caFile, String... protocols)
      throws SSLException {
    SslContextBuilder b = clientBuilder(protocols);
    if (!verify) {
      b.trustManager(InsecureTrustManagerFactory.INSTANCE);
    } else {
      if (caFile != null) {
        File f = caFile.toFile();
        b.trustManager(f);
      }
      b.endpointIdentificationAlgorithm("HTTPS");
    }
    return b.build();
  }
}
