package io.aralez.dataplane.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.handler.codec.http2.ReadOnlyHttp2Headers;
import io.netty.util.AsciiString;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;

/**
 * A response head as the HEADERS of an HTTP/2 stream: the status and the fields in order, lowercase
 * names, connection-specific fields dropped (RFC 9113 §8.2.2), in an array the HPACK encoder walks
 * without a hash table. Netty's {@code HttpConversionUtil} builds a hashed {@code
 * DefaultHttp2Headers} and lowercases every name into a new string; here the usual names come from
 * a table and each value is copied to exactly its bytes, so an entry kept in a client's HPACK table
 * never holds on to the whole upstream head it came from.
 *
 * <p>A head that lists names in {@code Connection}, or carries {@code TE} or {@code Cookie} (which
 * HTTP/2 writes differently), still goes through Netty's converter: the result is the same.
 */
public final class H2ResponseHeaders {
  /** Never sent over HTTP/2, as in Netty's converter (its own extension names included). */
  private static final AsciiString[] DROPPED = {
    HttpHeaderNames.KEEP_ALIVE,
    HttpHeaderNames.PROXY_CONNECTION,
    HttpHeaderNames.TRANSFER_ENCODING,
    HttpHeaderNames.HOST,
    HttpHeaderNames.UPGRADE,
    HttpConversionUtil.ExtensionHeaderNames.STREAM_ID.text(),
    HttpConversionUtil.ExtensionHeaderNames.SCHEME.text(),
    HttpConversionUtil.ExtensionHeaderNames.PATH.text(),
  };

  /** Names whose presence sends the head through Netty's converter. */
  private static final AsciiString[] CONVERTED_BY_NETTY = {
    HttpHeaderNames.CONNECTION, HttpHeaderNames.TE, HttpHeaderNames.COOKIE,
  };

  private static final AsciiString[] COMMON = {
    HttpHeaderNames.ACCEPT_RANGES,
    HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS,
    HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS,
    HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS,
    HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN,
    HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS,
    HttpHeaderNames.ACCESS_CONTROL_MAX_AGE,
    HttpHeaderNames.AGE,
    HttpHeaderNames.ALLOW,
    HttpHeaderNames.CACHE_CONTROL,
    HttpHeaderNames.CONTENT_DISPOSITION,
    HttpHeaderNames.CONTENT_ENCODING,
    HttpHeaderNames.CONTENT_LANGUAGE,
    HttpHeaderNames.CONTENT_LENGTH,
    HttpHeaderNames.CONTENT_LOCATION,
    HttpHeaderNames.CONTENT_RANGE,
    HttpHeaderNames.CONTENT_SECURITY_POLICY,
    HttpHeaderNames.CONTENT_TYPE,
    HttpHeaderNames.DATE,
    HttpHeaderNames.ETAG,
    HttpHeaderNames.EXPIRES,
    HttpHeaderNames.LAST_MODIFIED,
    AsciiString.cached("link"),
    HttpHeaderNames.LOCATION,
    HttpHeaderNames.PRAGMA,
    HttpHeaderNames.RETRY_AFTER,
    HttpHeaderNames.SERVER,
    HttpHeaderNames.SET_COOKIE,
    AsciiString.cached("strict-transport-security"),
    HttpHeaderNames.TRAILER,
    HttpHeaderNames.VARY,
    HttpHeaderNames.VIA,
    HttpHeaderNames.WWW_AUTHENTICATE,
    HttpHeaderNames.X_FRAME_OPTIONS,
    AsciiString.cached("alt-svc"),
    AsciiString.cached("grpc-encoding"),
    AsciiString.cached("grpc-message"),
    AsciiString.cached("grpc-status"),
    AsciiString.cached("referrer-policy"),
    AsciiString.cached("x-content-type-options"),
    AsciiString.cached("x-request-id"),
    AsciiString.cached("x-xss-protection"),
  };

  /** COMMON by case-insensitive hash, open addressing; a quarter full. */
  private static final AsciiString[] NAMES = new AsciiString[256];

  static {
    for (AsciiString name : COMMON) {
      int i = AsciiString.hashCode(name) & (NAMES.length - 1);
      while (NAMES[i] != null) {
        i = (i + 1) & (NAMES.length - 1);
      }
      NAMES[i] = name;
    }
  }

  private H2ResponseHeaders() {}

  public static Http2Headers of(HttpResponse res) {
    HttpHeaders in = res.headers();
    AsciiString[] fields = new AsciiString[2 * in.size()];
    int n = 0;
    // One pass over the fields; the rare head Netty must convert is handed over when met.
    for (Iterator<Map.Entry<CharSequence, CharSequence>> it = in.iteratorCharSequence();
        it.hasNext(); ) {
      Map.Entry<CharSequence, CharSequence> e = it.next();
      CharSequence name = e.getKey();
      if (FieldNames.isOneOf(name, CONVERTED_BY_NETTY)) {
        return HttpConversionUtil.toHttp2Headers(res, true);
      }
      if (FieldNames.isOneOf(name, DROPPED)) {
        continue;
      }
      fields[n++] = lowercase(name);
      fields[n++] = copy(e.getValue());
    }
    return ReadOnlyHttp2Headers.serverHeaders(
        true, res.status().codeAsText(), n == fields.length ? fields : Arrays.copyOf(fields, n));
  }

  /** The lowercase name: a shared constant for the usual ones, else a new exact-size copy. */
  static AsciiString lowercase(CharSequence name) {
    for (int i = AsciiString.hashCode(name) & (NAMES.length - 1);
        NAMES[i] != null;
        i = (i + 1) & (NAMES.length - 1)) {
      if (NAMES[i].contentEqualsIgnoreCase(name)) {
        return NAMES[i];
      }
    }
    byte[] b = new byte[name.length()];
    for (int k = 0; k < b.length; k++) {
      char c = name.charAt(k);
      b[k] = (byte) (c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    }
    return new AsciiString(b, false);
  }

  private static AsciiString copy(CharSequence value) {
    if (value instanceof AsciiString a) {
      return new AsciiString(a.array(), a.arrayOffset(), a.length(), true);
    }
    return new AsciiString(value);
  }
}
