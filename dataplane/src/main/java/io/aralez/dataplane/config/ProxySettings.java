package io.aralez.dataplane.config;

import java.time.Duration;

/**
 * The per-listener settings the request path needs, taken from main.yaml once at startup.
 *
 * @param secure whether this listener terminates TLS (sets X-Forwarded-Proto, skips to_https)
 * @param httpsPort the port of the TLS listener for to_https redirects
 */
public record ProxySettings(
    boolean secure,
    int httpsPort,
    Duration connectTimeout,
    Duration readTimeout,
    Duration upstreamIdleTimeout,
    int keepalivePoolSize,
    Duration clientKeepalive,
    Duration clientHeader,
    Duration clientBody,
    Duration websocketIdle,
    String masterKey,
    Duration forwardAuthTimeout,
    int upstreamMaxConnections,
    int upstreamQueueSize,
    Duration upstreamQueueTimeout) {

  public static ProxySettings from(MainConfig c, boolean secure) {
    int httpsPort =
        c.httpsRedirectPort() > 0
            ? c.httpsRedirectPort()
            : c.proxyAddressTls() == null ? 443 : c.proxyAddressTls().getPort();
    var t = c.timeouts();
    return new ProxySettings(
        secure,
        httpsPort,
        t.upstreamConnect(),
        t.upstreamRead(),
        t.upstreamIdle(),
        c.upstreamKeepalivePoolSize(),
        t.clientKeepalive(),
        t.clientHeader(),
        t.clientBody(),
        c.websocketIdleTimeout(),
        c.masterKey(),
        t.forwardAuth(),
        c.overload().upstreamMaxConnections(),
        c.overload().upstreamQueueSize(),
        c.overload().upstreamQueueTimeout());
  }
}
