package io.aralez.dataplane.proxy;

import io.aralez.dataplane.request.RequestTarget;
import io.aralez.dataplane.upstream.UpstreamKey;
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
    String path = SideCall.target(u);
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
        if (!SideCall.NOT_COPIED.contains(e.getKey().toLowerCase(java.util.Locale.ROOT))
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
    // The auth server decides who gets in: its certificate is always verified.
    UpstreamKey key = SideCall.key(u, true);
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
