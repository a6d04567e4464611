package io.aralez.dataplane.http;

import static io.netty.handler.codec.http2.Http2Error.PROTOCOL_ERROR;
import static io.netty.handler.codec.http2.Http2Exception.streamError;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.AsciiString;
import java.util.Map;

/**
 * The HEADERS that open an HTTP/2 stream as the HTTP/1.1 request head the rest of the proxy reads:
 * the fields Netty's {@code HttpConversionUtil.toHttpRequest} gives, in one pass over the block,
 * without the {@code x-http2-stream-id} and {@code x-http2-scheme} fields it adds for its own
 * codecs (which every request then had to carry and the proxy to remove again before sending it
 * upstream). The scheme is checked here instead: anything but {@code http} or {@code https} makes
 * the head a failed decode, which the head checks answer with 400 like any unreadable head.
 *
 * <p>Rules kept from Netty's conversion (and checked against it by {@code H2RequestHeadsTest}):
 * {@code :authority} becomes {@code Host}; a {@code host} field must then agree with it; crumbs of
 * {@code cookie} are joined with "; " into one field (RFC 9113 §8.2.3); {@code connection}, {@code
 * transfer-encoding}, {@code trailer} and Netty's extension names are dropped; every name and value
 * is validated as an HTTP/1.1 field (an HTTP/2 decoder does not check values for CR, LF or NUL,
 * which would split the head once written as HTTP/1.1). Stricter than Netty: a pseudo-header given
 * twice is refused instead of becoming two {@code Host} fields.
 */
public final class H2RequestHeads {
  private static final AsciiString METHOD = Http2Headers.PseudoHeaderName.METHOD.value();
  private static final AsciiString PATH = Http2Headers.PseudoHeaderName.PATH.value();
  private static final AsciiString AUTHORITY = Http2Headers.PseudoHeaderName.AUTHORITY.value();
  private static final AsciiString SCHEME = Http2Headers.PseudoHeaderName.SCHEME.value();
  private static final AsciiString PROTOCOL = Http2Headers.PseudoHeaderName.PROTOCOL.value();

  /** Not carried into the HTTP/1.1 head, as in Netty's conversion. */
  private static final AsciiString[] DROPPED;

  static {
    HttpConversionUtil.ExtensionHeaderNames[] extensions =
        HttpConversionUtil.ExtensionHeaderNames.values();
    DROPPED = new AsciiString[3 + extensions.length];
    DROPPED[0] = HttpHeaderNames.CONNECTION;
    DROPPED[1] = HttpHeaderNames.TRANSFER_ENCODING;
    DROPPED[2] = HttpHeaderNames.TRAILER;
    for (int i = 0; i < extensions.length; i++) {
      DROPPED[3 + i] = extensions[i].text();
    }
  }

  private H2RequestHeads() {}

  /**
   * The request head of stream {@code streamId}.
   *
   * @throws Http2Exception a stream error for a block no request can be made of (no method or
   *     target, a pseudo-header twice or unknown, a {@code host} other than {@code :authority})
   * @throws IllegalArgumentException for a method, target, name or value HTTP/1.1 cannot carry
   */
  public static HttpRequest toRequest(int streamId, Http2Headers block) throws Http2Exception {
    CharSequence method = null;
    CharSequence path = null;
    CharSequence authority = null;
    CharSequence scheme = null;
    HttpHeaders fields = DefaultHttpHeadersFactory.headersFactory().newHeaders();
    StringBuilder cookies = null;
    boolean hasHost = false;
    for (Map.Entry<CharSequence, CharSequence> e : block) {
      CharSequence name = e.getKey();
      CharSequence value = e.getValue();
      if (name.length() > 0 && name.charAt(0) == ':') {
        if (METHOD.contentEquals(name)) {
          method = once(streamId, method, name, value);
        } else if (PATH.contentEquals(name)) {
          path = once(streamId, path, name, value);
        } else if (AUTHORITY.contentEquals(name)) {
          authority = once(streamId, authority, name, value);
          fields.add(HttpHeaderNames.HOST, AsciiString.of(value));
          hasHost = true;
        } else if (SCHEME.contentEquals(name)) {
          scheme = once(streamId, scheme, name, value);
        } else if (!PROTOCOL.contentEquals(name)) {
          throw streamError(streamId, PROTOCOL_ERROR, "unknown pseudo-header %s", name);
        }
      } else if (name.length() == 0) {
        throw streamError(streamId, PROTOCOL_ERROR, "an empty field name");
      } else if (HttpHeaderNames.COOKIE.contentEqualsIgnoreCase(name)) {
        if (cookies == null) {
          cookies = new StringBuilder();
        } else if (cookies.length() > 0) {
          cookies.append("; ");
        }
        cookies.append(value);
      } else if (HttpHeaderNames.HOST.contentEqualsIgnoreCase(name)) {
        if (!hasHost) {
          fields.add(name, value);
          hasHost = true;
        } else if (!AsciiString.contentEqualsIgnoreCase(fields.get(HttpHeaderNames.HOST), value)) {
          throw streamError(streamId, PROTOCOL_ERROR, "host and :authority differ");
        }
      } else if (!FieldNames.isOneOf(name, DROPPED)) {
        fields.add(name, value);
      }
    }
    if (method == null) {
      throw streamError(streamId, PROTOCOL_ERROR, "no :method");
    }
    if (cookies != null) {
      fields.add(HttpHeaderNames.COOKIE, cookies.toString());
    }
    boolean connect = HttpMethod.CONNECT.asciiName().contentEqualsIgnoreCase(method);
    CharSequence target = connect ? authority : path;
    if (target == null) {
      throw streamError(streamId, PROTOCOL_ERROR, connect ? "no :authority" : "no :path");
    }
    HttpRequest req =
        new DefaultHttpRequest(
            HttpVersion.HTTP_1_1, HttpMethod.valueOf(method.toString()), target.toString(), fields);
    if (scheme != null
        && !AsciiString.contentEquals(scheme, "http")
        && !AsciiString.contentEquals(scheme, "https")) {
      req.setDecoderResult(
          DecoderResult.failure(new IllegalArgumentException("unsupported :scheme " + scheme)));
    }
    return req;
  }

  private static CharSequence once(
      int streamId, CharSequence seen, CharSequence name, CharSequence value)
      throws Http2Exception {
    if (seen != null) {
      throw streamError(streamId, PROTOCOL_ERROR, "%s given twice", name);
    }
    return value;
  }
}
