package io.aralez.dataplane.proxy;

import io.aralez.dataplane.config.HostPort;
import io.aralez.dataplane.config.UpstreamProtocol;
import io.aralez.dataplane.request.RequestTarget;
import io.aralez.dataplane.upstream.UpstreamListener;
import io.aralez.dataplane.upstream.UpstreamPool;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One forward-auth subrequest, on the client's event loop through the pooled upstream connections:
 * GET (HEAD for HEAD) to the auth URL with the client's identity in X-Forwarded-* headers and its
 * Authorization and Cookie. Whatever happens it completes within the timeout; no answer means
 * {@link Result#unavailable()} and the request is refused (fail closed).
 */
final class ForwardAuthCall implements UpstreamListener {
  /** Largest auth response body relayed to a refused client. */
  static final int MAX_BODY = 64 * 1024;

  /** The auth server's answer; status 0 when there was none. */
  record Result(int status, HttpHeaders headers, ByteBuf body) {
    static Result unavailable() {
      return new Result(0, null, null);
    }
  }

  private final Promise<Result> promise;
  private UpstreamPool.Lease lease;
  private HttpResponse head;
  private CompositeByteBuf body;
  private boolean keepAlive;
  private ScheduledFuture<?> timer;

  private ForwardAuthCall(Promise<Result> promise) {
    this.promise = promise;
  }

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

  static Future<Result> start(
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
    Promise<Result> promise = loop.newPromise();
    ForwardAuthCall call = new ForwardAuthCall(promise);
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
    } else {
      copy(client.headers(), h, HttpHeaderNames.AUTHORIZATION);
      copy(client.headers(), h, HttpHeaderNames.COOKIE);
    }
    h.set(HttpHeaderNames.CONTENT_LENGTH, 0);
    call.timer =
        loop.schedule(
            () -> call.finish(Result.unavailable(), false),
            timeout.toMillis(),
            TimeUnit.MILLISECONDS);
    UpstreamPool.Key key =
        new UpstreamPool.Key(
            address,
            https ? UpstreamProtocol.HTTPS : UpstreamProtocol.HTTP,
            https ? host : null,
            // The auth server decides who gets in: its certificate is always verified.
            true);
    pool.acquire(loop, key, timeout)
        .addListener(
            (Future<UpstreamPool.Lease> f) -> {
              if (!f.isSuccess()) {
                req.release();
                call.finish(Result.unavailable(), false);
                return;
              }
              if (promise.isDone()) {
                req.release();
                f.getNow().release(false);
                return;
              }
              call.lease = f.getNow();
              call.lease.bind(call);
              call.lease.channel().writeAndFlush(req);
              call.lease.channel().read();
            });
    return promise;
  }

  private static void copy(HttpHeaders from, HttpHeaders to, CharSequence name) {
    String v = from.get(name);
    if (v != null) {
      to.set(name, v);
    }
  }

  @Override
  public void onUpstreamMessage(Object msg) {
    try {
      if (msg instanceof HttpResponse res) {
        if (res.decoderResult().isFailure()) {
          finish(Result.unavailable(), false);
          return;
        }
        head = res;
        keepAlive = HttpUtil.isKeepAlive(res);
        body = lease.channel().alloc().compositeBuffer();
      }
      if (msg instanceof HttpContent c && body != null) {
        if (body.readableBytes() + c.content().readableBytes() <= MAX_BODY) {
          body.addComponent(true, c.content().retain());
        }
        if (c instanceof LastHttpContent) {
          CompositeByteBuf complete = body;
          body = null;
          finish(new Result(head.status().code(), head.headers(), complete), keepAlive);
        }
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void onUpstreamReadComplete() {
    if (lease != null && !promise.isDone()) {
      lease.channel().read();
    }
  }

  @Override
  public void onUpstreamWritable() {}

  @Override
  public void onUpstreamClosed(Throwable cause) {
    finish(Result.unavailable(), false);
  }

  private void finish(Result result, boolean reusable) {
    if (timer != null) {
      timer.cancel(false);
    }
    if (lease != null) {
      UpstreamPool.Lease l = lease;
      lease = null;
      l.release(reusable && !promise.isDone());
    }
    if (!promise.trySuccess(result)) {
      if (result.body() != null) {
        result.body().release();
      }
    } else if (result.body() == null && body != null) {
      body.release();
      body = null;
    }
  }
}
