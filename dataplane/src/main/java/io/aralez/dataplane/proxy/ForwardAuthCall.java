package io.aralez.dataplane.proxy;

import io.aralez.dataplane.config.HostPort;
import io.aralez.dataplane.config.UpstreamProtocol;
import io.aralez.dataplane.request.RequestTarget;
import io.aralez.dataplane.upstream.UpstreamPool;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.Future;
import java.net.URI;
import java.time.Duration;

/**
 * Builds the forward-auth subrequest: GET (HEAD for HEAD) to the auth URL with the client's
 * identity in X-Forwarded-* headers and its Authorization and Cookie, sent as a {@link SideCall}.
 * No answer within the timeout means {@link SideCall.Result#unavailable()} and the request is
 * refused (fail closed).
 */
final class ForwardAuthCall {
  /** Largest auth response body relayed to a refused client. */
  static final int MAX_BODY = 64 * 1024;

  private ForwardAuthCall() {}

  /** Never copied to the auth server: framing, hop-by-hop, and what we set ourselves. */
  private static final java.util.Set<String> NOT_FORWARDED =
      java.util.Set.of(
          "host",
          "content-length",
          "transfer-encoding",
          "connection",
          "keep-alive",
          "te",
          "trailer",
          "upgrade",
          "proxy-connection",
          "expect");

  static Future<SideCall.Result> start(
      UpstreamPool pool,
      EventLoop loop,
      String url,
      HttpRequest client,
      RequestTarget target,
      String clientIp,
      boolean secure,
      Duration timeout,
      io.aralez.dataplane.config.RouteRules.ExternalAuth external) {
    boolean nginx = external != null;
    URI u = URI.create(url);
    boolean https = "https".equalsIgnoreCase(u.getScheme());
    int port = u.getPort() > 0 ? u.getPort() : https ? 443 : 80;
    String host = u.getHost();
    HostPort address =
        HostPort.parse((host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port);
    String path =
        (u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath())
            + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
    FullHttpRequest req =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1,
            nginx && external.method() != null
                ? HttpMethod.valueOf(external.method())
                : client.method().equals(HttpMethod.HEAD) ? HttpMethod.HEAD : HttpMethod.GET,
            path);
    HttpHeaders h = req.headers();
    h.set(HttpHeaderNames.HOST, u.getRawAuthority());
    h.set("X-Forwarded-Method", client.method().name());
    h.set("X-Forwarded-Proto", secure ? "https" : "http");
    h.set("X-Forwarded-Host", target.hostHeader().isEmpty() ? "" : target.hostHeader());
    h.set("X-Forwarded-Uri", target.uri());
    h.set("X-Forwarded-For", clientIp);
    if (nginx) {
      // nginx's auth_request: the client's headers as they came (framing and Host excepted), and
      // the original request named the way ingress-nginx names it.
      for (var e : client.headers()) {
        if (!NOT_FORWARDED.contains(e.getKey().toLowerCase(java.util.Locale.ROOT))
            && !h.contains(e.getKey())) {
          h.add(e.getKey(), e.getValue());
        }
      }
      String hostHeader = target.hostHeader().isEmpty() ? "" : target.hostHeader();
      h.set("X-Original-URL", (secure ? "https://" : "http://") + hostHeader + target.uri());
      h.set("X-Original-Method", client.method().name());
      h.set(
          "X-Auth-Request-Redirect",
          external.requestRedirect() != null ? external.requestRedirect() : target.uri());
      h.set("X-Sent-From", "aralez");
      for (var extra : external.requestHeaders()) {
        h.set(extra.name(), extra.value());
      }
    } else {
      copy(client.headers(), h, HttpHeaderNames.AUTHORIZATION);
      copy(client.headers(), h, HttpHeaderNames.COOKIE);
    }
    h.set(HttpHeaderNames.CONTENT_LENGTH, 0);
    UpstreamPool.Key key =
        new UpstreamPool.Key(
            address,
            https ? UpstreamProtocol.HTTPS : UpstreamProtocol.HTTP,
            https ? host : null,
            // The auth server decides who gets in: its certificate is always verified.
            true);
    // A larger body is cut: what a refused client sees is informative, not the decision.
    return SideCall.send(pool, loop, key, req, timeout, MAX_BODY, true);
  }

  private static void copy(HttpHeaders from, HttpHeaders to, CharSequence name) {
    String v = from.get(name);
    if (v != null) {
      to.set(name, v);
    }
  }
}
