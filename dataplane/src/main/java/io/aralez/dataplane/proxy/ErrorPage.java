package io.aralez.dataplane.proxy;

import io.aralez.dataplane.config.ProxyConfig;
import io.aralez.dataplane.config.RouteRules;
import io.aralez.dataplane.config.UpstreamProtocol;
import io.aralez.dataplane.request.RequestTarget;
import io.aralez.dataplane.upstream.UpstreamKey;
import io.aralez.dataplane.upstream.UpstreamPool;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * ingress-nginx's custom-http-errors: an upstream answer with a listed status is dropped and the
 * client gets the error backend's answer to a GET for "/" (the query kept) that says what failed in
 * X-Code, X-Format, X-Original-URI, X-Request-ID and the route's own headers (X-Namespace,
 * X-Ingress-Name, X-Service-Name, X-Service-Port). Error pages are small: the answer is collected
 * whole up to {@link #MAX_BODY}; past it, or with no answer in time, the client gets a plain page
 * with the intercepted status instead.
 *
 * @param uri the request's target as the client sent it
 * @param query the query, with its "?", or ""
 */
record ErrorPage(
    RouteRules.ErrorPages pages,
    String host,
    String uri,
    String query,
    String accept,
    String requestId,
    boolean head) {
  /** The largest error page relayed. */
  static final int MAX_BODY = 1024 * 1024;

  /** Left out of the error backend's answer: framing and hop-by-hop headers are ours to set. */
  private static final Set<String> NOT_RELAYED =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-connection",
          "transfer-encoding",
          "content-length",
          "te",
          "trailer",
          "upgrade",
          "server");

  /** What the client asked, kept for the error backend; null when the route replaces nothing. */
  static ErrorPage of(RouteRules.ErrorPages pages, HttpRequest req, RequestTarget target) {
    if (pages == null || pages.backends().isEmpty()) {
      return null;
    }
    String uri = target.uri();
    int q = uri.indexOf('?');
    return new ErrorPage(
        pages,
        target.hostHeader().isEmpty() ? target.host() : target.hostHeader(),
        req.uri(),
        q < 0 ? "" : uri.substring(q),
        req.headers().get(HttpHeaderNames.ACCEPT, ""),
        req.headers().get("X-Request-ID"),
        req.method().equals(HttpMethod.HEAD));
  }

  boolean replaces(int status) {
    return pages.intercepts(status);
  }

  /**
   * Asks an error backend about {@code status} and hands the client's answer to {@code then},
   * unless the exchange ended meanwhile ({@code gone}).
   */
  void answer(
      Exchange.Services services,
      ClientSide client,
      int status,
      Duration timeout,
      BooleanSupplier gone,
      Consumer<FullHttpResponse> then) {
    services.metrics().errorPage(status);
    fetch(services.pool(), client.channel().eventLoop(), status, timeout)
        .addListener(
            (Future<SideCall.Result> f) -> {
              SideCall.Result result = f.getNow();
              if (gone.getAsBoolean()) {
                if (result.body() != null) {
                  result.body().release();
                }
                return;
              }
              then.accept(answer(client.alloc(), result, status));
            });
  }

  private Future<SideCall.Result> fetch(
      UpstreamPool pool, EventLoop loop, int status, Duration timeout) {
    FullHttpRequest req =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1, head ? HttpMethod.HEAD : HttpMethod.GET, "/" + query);
    HttpHeaders h = req.headers();
    h.set(HttpHeaderNames.HOST, host == null ? "" : host);
    h.set("X-Code", status);
    h.set("X-Format", accept);
    h.set("X-Original-URI", uri);
    if (requestId != null) {
      h.set("X-Request-ID", requestId);
    }
    for (ProxyConfig.Header extra : pages.headers()) {
      h.set(extra.name(), extra.value());
    }
    h.set(HttpHeaderNames.CONTENT_LENGTH, 0);
    var backends = pages.backends();
    var backend = backends.get(ThreadLocalRandom.current().nextInt(backends.size()));
    UpstreamKey key = new UpstreamKey(backend.address(), UpstreamProtocol.HTTP, null, false);
    return SideCall.send(pool, loop, key, req, timeout, MAX_BODY, false);
  }

  /** The client's answer: the error backend's status, headers and body, or a plain page. */
  static FullHttpResponse answer(ByteBufAllocator alloc, SideCall.Result result, int status) {
    if (!result.answered()) {
      return LocalResponses.status(alloc, HttpResponseStatus.valueOf(status));
    }
    FullHttpResponse res =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(result.status()), result.body());
    res.headers()
        .set(HttpHeaderNames.SERVER, HeaderRewriter.SERVER_NAME)
        .set(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
    for (var e : result.headers()) {
      if (!NOT_RELAYED.contains(e.getKey().toLowerCase(Locale.ROOT))) {
        res.headers().add(e.getKey(), e.getValue());
      }
    }
    return res;
  }
}
