package io.aralez.dataplane.proxy;

import io.aralez.dataplane.http.Methods;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.util.List;

/**
 * The protocol checks a request head must pass before anything reads it: what the decoder refused,
 * and the framing rules Netty leaves to us (RFC 9112 §6). A request that fails them is answered and
 * its connection closed, because its body can no longer be delimited safely.
 */
final class HeadChecks {
  private HeadChecks() {}

  /** The status to refuse the head with, or null when it may go on. */
  static HttpResponseStatus refusal(HttpRequest req) {
    DecoderResult result = req.decoderResult();
    if (result.isFailure()) {
      Throwable cause = result.cause();
      return cause instanceof TooLongHttpLineException
          ? HttpResponseStatus.REQUEST_URI_TOO_LONG
          : cause instanceof TooLongHttpHeaderException
              ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
              : HttpResponseStatus.BAD_REQUEST;
    }
    return framing(req);
  }

  /** 400 for framing a peer could read differently, 501 for an unknown coding, and the rest. */
  private static HttpResponseStatus framing(HttpRequest req) {
    List<String> te = req.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
    if (!te.isEmpty()) {
      if (!req.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
        return HttpResponseStatus.BAD_REQUEST;
      }
      if (te.size() != 1 || !te.get(0).trim().equalsIgnoreCase("chunked")) {
        return te.get(0).contains(",") || te.size() > 1
            ? HttpResponseStatus.BAD_REQUEST
            : HttpResponseStatus.NOT_IMPLEMENTED;
      }
    }
    if (Methods.is(req.method(), HttpMethod.CONNECT)) {
      return HttpResponseStatus.METHOD_NOT_ALLOWED;
    }
    String expect = req.headers().get(HttpHeaderNames.EXPECT);
    if (expect != null && !expect.trim().equalsIgnoreCase("100-continue")) {
      return HttpResponseStatus.EXPECTATION_FAILED;
    }
    return null;
  }
}
