package io.aralez.dataplane.proxy;

import io.aralez.dataplane.http.Methods;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * What an exchange needs of the client's request head, read before the head is rewritten (possibly
 * in place) into the upstream head.
 *
 * @param upgrade a WebSocket upgrade over HTTP/1.1
 * @param chunked the body is chunked (framing validated before, {@link HeadChecks})
 * @param contentLength the body's Content-Length, or -1 when there is none
 * @param bodyless an HTTP/1.x request whose head says it has no body (neither Content-Length nor
 *     Transfer-Encoding: RFC 9112 §6.3; or {@code Content-Length: 0}), and nothing else to it (no
 *     upgrade, no 100-continue)
 */
record ClientTraits(
    boolean http11,
    boolean keepAlive,
    boolean head,
    boolean expectContinue,
    boolean grpc,
    boolean upgrade,
    boolean chunked,
    long contentLength,
    boolean bodyless) {

  static ClientTraits of(HttpRequest req, boolean http2) {
    String contentType = req.headers().get(HttpHeaderNames.CONTENT_TYPE);
    boolean expectContinue =
        // The field first: Netty's check compares the version (as Strings) before looking for it.
        req.headers().contains(HttpHeaderNames.EXPECT) && HttpUtil.is100ContinueExpected(req);
    boolean upgrade = !http2 && HeaderRewriter.isWebSocketUpgrade(req);
    boolean chunked = HttpUtil.isTransferEncodingChunked(req);
    long contentLength = chunked ? -1 : HttpUtil.getContentLength(req, -1L);
    return new ClientTraits(
        req.protocolVersion() == HttpVersion.HTTP_1_1
            || req.protocolVersion().equals(HttpVersion.HTTP_1_1),
        HttpUtil.isKeepAlive(req),
        Methods.is(req.method(), HttpMethod.HEAD),
        expectContinue,
        contentType != null && contentType.startsWith("application/grpc"),
        upgrade,
        chunked,
        contentLength,
        // An HTTP/2 request may carry a body without Content-Length.
        !http2 && !upgrade && !expectContinue && !chunked && contentLength <= 0);
  }
}
