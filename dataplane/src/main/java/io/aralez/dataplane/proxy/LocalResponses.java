package io.aralez.dataplane.proxy;

import io.aralez.dataplane.admission.Verdict;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * Responses the proxy writes itself. One place maps every failure to its status, with a short
 * plain-text body and never internal detail (no stack traces, no addresses).
 */
public final class LocalResponses {
  private LocalResponses() {}

  public static FullHttpResponse text(
      ByteBufAllocator alloc, HttpResponseStatus status, String body) {
    ByteBuf content = alloc.buffer(body.length());
    content.writeCharSequence(body, StandardCharsets.UTF_8);
    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
    res.headers()
        .set(HttpHeaderNames.SERVER, HeaderRewriter.SERVER_NAME)
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN + "; charset=utf-8")
        .set(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes())
        .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
        .set(
            HttpHeaderNames.DATE,
            io.netty.handler.codec.DateFormatter.format(new java.util.Date()));
    return res;
  }

  /** A status with its reason phrase as the body, e.g. "404 Not Found". */
  public static FullHttpResponse status(ByteBufAllocator alloc, HttpResponseStatus status) {
    return text(alloc, status, status.code() + " " + status.reasonPhrase() + "\n");
  }

  public static FullHttpResponse redirect(ByteBufAllocator alloc, String location) {
    return redirect(alloc, 301, location);
  }

  /** A redirect with one of 301, 302, 303, 307, 308. */
  public static FullHttpResponse redirect(ByteBufAllocator alloc, int code, String location) {
    FullHttpResponse res = status(alloc, HttpResponseStatus.valueOf(code));
    res.headers().set(HttpHeaderNames.LOCATION, location);
    return res;
  }

  /** The forward-auth server's refusal, relayed: its status, Location, content type and body. */
  static FullHttpResponse relay(ByteBufAllocator alloc, SideCall.Result auth) {
    HttpResponseStatus status = HttpResponseStatus.valueOf(auth.status());
    FullHttpResponse res =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, auth.body().retainedDuplicate());
    res.headers()
        .set(HttpHeaderNames.SERVER, HeaderRewriter.SERVER_NAME)
        .set(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes())
        .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    for (CharSequence name :
        new CharSequence[] {
          HttpHeaderNames.LOCATION, HttpHeaderNames.CONTENT_TYPE, HttpHeaderNames.WWW_AUTHENTICATE
        }) {
      String v = auth.headers().get(name);
      if (v != null) {
        res.headers().set(name, v);
      }
    }
    return res;
  }

  /** A request body up to this size is read and dropped after a local answer; larger: close. */
  static final long MAX_DISCARD_BYTES = 64 * 1024;

  /**
   * Whether the connection can stay open after answering {@code req} locally, with the Connection
   * header {@code res} needs to say so. A small body still to come is read and dropped; a large or
   * unknown one (or one the client waits for a 100 to send) means closing after the answer.
   */
  static boolean keepAlive(HttpRequest req, FullHttpResponse res, boolean draining) {
    boolean keepAlive = HttpUtil.isKeepAlive(req) && !draining;
    boolean chunked = HttpUtil.isTransferEncodingChunked(req);
    long length = HttpUtil.getContentLength(req, 0L);
    if ((chunked || length > 0)
        && (HttpUtil.is100ContinueExpected(req) || chunked || length > MAX_DISCARD_BYTES)) {
      keepAlive = false;
    }
    if (!keepAlive) {
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (!req.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    return keepAlive;
  }

  /** A local verdict of admission: its status, with its headers. */
  public static FullHttpResponse of(ByteBufAllocator alloc, Verdict.Local local) {
    HttpResponseStatus status = HttpResponseStatus.valueOf(local.status());
    FullHttpResponse res =
        local.body() == null ? status(alloc, status) : text(alloc, status, local.body());
    local.headers().forEach((name, value) -> res.headers().set(name, value));
    return res;
  }

  /** 401; {@code challenge} asks browsers for Basic credentials. */
  static FullHttpResponse unauthorized(ByteBufAllocator alloc, String challenge) {
    FullHttpResponse res = status(alloc, HttpResponseStatus.UNAUTHORIZED);
    if (challenge != null) {
      res.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, challenge);
    }
    return res;
  }

  /** The answer for an exchange that failed before its response started (502, 503, 504, 408). */
  static FullHttpResponse failure(ByteBufAllocator alloc, HttpResponseStatus status) {
    return status == HttpResponseStatus.SERVICE_UNAVAILABLE
        ? unavailable(alloc)
        : status(alloc, status);
  }

  /** 503 for a route that has nowhere to send the request; clients may retry shortly. */
  public static FullHttpResponse unavailable(ByteBufAllocator alloc) {
    FullHttpResponse res = status(alloc, HttpResponseStatus.SERVICE_UNAVAILABLE);
    res.headers().set(HttpHeaderNames.RETRY_AFTER, 1);
    return res;
  }
}
