package io.aralez.dataplane.http;

import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMessage;

/**
 * The trailers factory of one decoder. Only a chunked body can carry trailers, yet Netty gives the
 * end of every body framed by Content-Length a fresh, writable header map of its own (a hash table
 * of sixteen slots: ~5% of the bytes a proxied request allocates, bench/README.md). Those ends now
 * share one empty set; the end of a message with a Transfer-Encoding gets the usual map, which
 * Netty fills with the trailer lines it reads.
 */
final class BodyEndTrailers implements HttpHeadersFactory {
  /** Empty and read-only; clearing it is allowed (there is nothing to clear). */
  static final HttpHeaders NONE = new None();

  private final HttpHeadersFactory usual;
  // Until a head says otherwise, trailers are writable: never read-only where Netty could write.
  private boolean chunked = true;

  BodyEndTrailers(HttpHeadersFactory usual) {
    this.usual = usual;
  }

  /** {@code config} with this as its trailers factory. */
  HttpDecoderConfig in(HttpDecoderConfig config) {
    return config.clone().setTrailersFactory(this);
  }

  /**
   * {@code message}'s head has been read. Netty asks of every head whether its content is always
   * empty before it reads a byte of the body, so the decoder calls this from {@code
   * isContentAlwaysEmpty}.
   */
  void headRead(HttpMessage message) {
    chunked = message.headers().contains(HttpHeaderNames.TRANSFER_ENCODING);
  }

  @Override
  public HttpHeaders newHeaders() {
    return chunked ? usual.newHeaders() : NONE;
  }

  @Override
  public HttpHeaders newEmptyHeaders() {
    return usual.newEmptyHeaders();
  }

  private static final class None extends EmptyHttpHeaders {
    @Override
    public HttpHeaders clear() {
      return this;
    }
  }
}
