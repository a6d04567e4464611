package io.aralez.dataplane.proxy;

import io.aralez.dataplane.config.ProxyConfig.Header;
import io.aralez.dataplane.http.FieldNameSet;
import io.aralez.dataplane.http.ForwardedHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.util.List;

/**
 * Builds the request head sent upstream and the response head sent to the client: hop-by-hop
 * headers removed (including those a peer lists in Connection, but never the ones we add
 * afterwards), forwarding headers set, configured headers applied, framing regenerated.
 */
final class HeaderRewriter {
  static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
  static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
  static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
  static final AsciiString X_REAL_IP = AsciiString.cached("x-real-ip");
  static final AsciiString SERVER_NAME = AsciiString.cached("aralez");

  private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");

  /** Fields that concern one connection only, never forwarded (RFC 9110 §7.6.1, and older ones). */
  static final FieldNameSet HOP_BY_HOP =
      FieldNameSet.of(
          HttpHeaderNames.CONNECTION,
          HttpHeaderNames.KEEP_ALIVE,
          PROXY_CONNECTION,
          HttpHeaderNames.TE,
          HttpHeaderNames.TRAILER,
          HttpHeaderNames.TRANSFER_ENCODING,
          HttpHeaderNames.UPGRADE,
          HttpHeaderNames.PROXY_AUTHORIZATION,
          HttpHeaderNames.PROXY_AUTHENTICATE);

  /**
   * What goes from a request before it is forwarded: hop-by-hop fields, the ones the proxy writes
   * itself (added afterwards), and names with '_' — some backends (CGI, WSGI) read X_Forwarded_For
   * as X-Forwarded-For, which would let a client forge headers the proxy sets.
   */
  private static final FieldNameSet REPLACED_FROM_TRUSTED =
      HOP_BY_HOP
          .and(
              HttpHeaderNames.HOST,
              X_FORWARDED_FOR,
              X_FORWARDED_PROTO,
              X_FORWARDED_HOST,
              X_REAL_IP,
              HttpHeaderNames.CONTENT_LENGTH)
          .andAnyContaining('_');

  /**
   * From anyone but a trusted proxy, also the headers through which a client could claim another
   * address, port, scheme or path to the backend (the path ones are how IIS and Symfony apps get
   * routed around front-end rules).
   */
  private static final FieldNameSet REPLACED =
      REPLACED_FROM_TRUSTED.and(
          AsciiString.cached("forwarded"),
          AsciiString.cached("x-forwarded-port"),
          AsciiString.cached("x-forwarded-server"),
          AsciiString.cached("x-forwarded-prefix"),
          AsciiString.cached("x-original-url"),
          AsciiString.cached("x-original-uri"),
          AsciiString.cached("x-rewrite-url"),
          AsciiString.cached("x-client-ip"),
          AsciiString.cached("true-client-ip"));

  private static final AsciiString HTTP = AsciiString.cached("http");
  private static final AsciiString HTTPS = AsciiString.cached("https");

  private HeaderRewriter() {}

  /**
   * The head to send upstream.
   *
   * @param traits what was read of {@code client} before (framing, upgrade)
   * @param inPlace rewrite {@code client} itself instead of a copy: saves a header copy per
   *     request, for callers that read everything they need from the client's head beforehand
   * @param uri origin-form target (the client's own, unchanged unless it sent absolute-form)
   * @param hostHeader the Host to send (the client's, or the authority of an absolute-form target)
   * @param clientIp the connection's peer, appended to X-Forwarded-For
   * @param realClient the client address resolved through trusted proxies, sent as X-Real-IP
   */
  static HttpRequest upstreamRequest(
      HttpRequest client,
      ClientTraits traits,
      boolean inPlace,
      String uri,
      String hostHeader,
      String clientIp,
      String realClient,
      boolean trustedPeer,
      boolean secure,
      List<Header> serverHeaders) {
    HttpHeaders in = client.headers();
    // Read before anything is stripped: in place, `in` is the head being rewritten. The body's
    // framing (in traits, read once) is regenerated: chunked as chunked upstream.
    boolean chunked = traits.chunked();
    long contentLength = traits.contentLength();
    boolean trailers = acceptsTrailers(in);
    boolean webSocket = traits.upgrade();
    String xff = in.get(X_FORWARDED_FOR);
    HttpRequest out;
    if (inPlace) {
      out = client;
      out.setUri(uri);
      out.setProtocolVersion(HttpVersion.HTTP_1_1);
    } else {
      out = new DefaultHttpRequest(HttpVersion.HTTP_1_1, client.method(), uri);
      out.headers().add(in);
    }
    HttpHeaders h = out.headers();
    removeConnectionListed(h);
    // Everything the proxy drops or writes itself goes in one pass; what it writes is then added
    // (in this order, as set() would have put it: at the end).
    removeNames(h, trustedPeer ? REPLACED_FROM_TRUSTED : REPLACED);
    if (trailers) {
      // gRPC servers require it; it only says the client accepts trailers.
      h.add(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS);
    }
    if (webSocket) {
      // The one upgrade we forward; everything else named in Upgrade (h2c...) is dropped.
      h.add(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
      h.add(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
    }
    h.add(HttpHeaderNames.HOST, hostHeader);
    // From a trusted proxy the chain goes on; from anyone else it starts here, so a client cannot
    // put forged addresses in front of its own.
    h.add(
        X_FORWARDED_FOR,
        !trustedPeer || xff == null || xff.isBlank() ? clientIp : xff + ", " + clientIp);
    h.add(X_FORWARDED_PROTO, secure ? HTTPS : HTTP);
    h.add(X_FORWARDED_HOST, hostHeader);
    // The client as the limits and logs see it (through trusted proxies), as nginx sets it.
    h.add(X_REAL_IP, realClient);
    for (Header sh : serverHeaders) {
      h.set(sh.name(), sh.value());
    }
    // Framing last, written by us; set() only when a configured header could have named it.
    if (chunked) {
      put(h, HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED, serverHeaders.isEmpty());
    } else if (contentLength >= 0) {
      put(h, HttpHeaderNames.CONTENT_LENGTH, contentLength, serverHeaders.isEmpty());
    }
    return out;
  }

  /**
   * Rewrites an upstream response head in place for the client.
   *
   * @return whether the client connection must close after this response (body delimited by close
   *     towards an HTTP/1.0 client)
   */
  static boolean clientResponse(
      HttpResponse res,
      boolean clientHttp11,
      boolean headRequest,
      boolean closeAfter,
      List<Header> clientHeaders) {
    HttpHeaders h = res.headers();
    boolean upstreamChunked = HttpUtil.isTransferEncodingChunked(res);
    boolean hasLength = h.contains(HttpHeaderNames.CONTENT_LENGTH);
    stripHopByHop(h);
    int code = res.status().code();
    boolean bodyless = headRequest || code == 204 || code == 304 || code < 200;
    if (!bodyless && !hasLength) {
      if (clientHttp11) {
        h.add(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      } else {
        closeAfter = true;
      }
    } else if (upstreamChunked && headRequest && clientHttp11) {
      h.add(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    if (!h.contains(HttpHeaderNames.SERVER)) {
      h.set(HttpHeaderNames.SERVER, SERVER_NAME);
    }
    for (Header ch : clientHeaders) {
      h.add(ch.name(), ch.value());
    }
    if (closeAfter) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (!clientHttp11) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    res.setProtocolVersion(HttpVersion.HTTP_1_1);
    return closeAfter;
  }

  private static void put(HttpHeaders h, CharSequence name, Object value, boolean absent) {
    if (absent) {
      h.add(name, value);
    } else {
      h.set(name, value);
    }
  }

  private static boolean acceptsTrailers(HttpHeaders h) {
    for (String te : h.getAll(HttpHeaderNames.TE)) {
      for (String token : te.split(",")) {
        if (token.trim().equalsIgnoreCase("trailers")) {
          return true;
        }
      }
    }
    return false;
  }

  /** A WebSocket opening handshake: GET with Upgrade: websocket and Connection: upgrade. */
  static boolean isWebSocketUpgrade(HttpRequest req) {
    return req.method().equals(io.netty.handler.codec.http.HttpMethod.GET)
        && req.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
        && req.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
  }

  static boolean isWebSocketAccept(HttpResponse res) {
    return res.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
  }

  /** The 101 towards the client: hop-by-hop headers rebuilt for exactly this upgrade. */
  static void upgradeResponse(HttpResponse res) {
    HttpHeaders h = res.headers();
    stripHopByHop(h);
    h.add(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
    h.add(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
    res.setProtocolVersion(HttpVersion.HTTP_1_1);
  }

  /** Removes hop-by-hop headers, first those the peer named in Connection. */
  static void stripHopByHop(HttpHeaders h) {
    removeConnectionListed(h);
    removeNames(h, HOP_BY_HOP);
  }

  /**
   * Removes the fields the peer's Connection fields name (they are hop-by-hop too). The hop-by-hop
   * names themselves (the usual "keep-alive", "upgrade") are left to the removal that follows.
   */
  private static void removeConnectionListed(HttpHeaders h) {
    if (h instanceof ForwardedHeaders in) {
      // Read in place: the usual "keep-alive" or "close" costs no String, list or iterator. A
      // listed name is never Connection itself (hop-by-hop: skipped), so the lines stay put.
      CharSequence value;
      for (int i = 0; (value = in.valueView(HttpHeaderNames.CONNECTION, i)) != null; i++) {
        removeListed(h, value);
      }
      return;
    }
    for (String connection : h.getAll(HttpHeaderNames.CONNECTION)) {
      removeListed(h, connection);
    }
  }

  /**
   * Removes the fields named in one Connection value: its comma-separated parts, trimmed (as {@code
   * String.trim} does), empty ones skipped. No array or String for a value that is one name already
   * (the usual "keep-alive" or "close").
   */
  private static void removeListed(HttpHeaders h, CharSequence connection) {
    int n = connection.length();
    for (int from = 0; from <= n; ) {
      int end = from;
      while (end < n && connection.charAt(end) != ',') {
        end++;
      }
      int s = from;
      int e = end;
      while (s < e && connection.charAt(s) <= ' ') {
        s++;
      }
      while (e > s && connection.charAt(e - 1) <= ' ') {
        e--;
      }
      if (e > s) {
        CharSequence name = s == 0 && e == n ? connection : connection.subSequence(s, e);
        if (!HOP_BY_HOP.test(name)) {
          h.remove(name);
        }
      }
      from = end + 1;
    }
  }

  /**
   * Forward auth said yes: its {@code X-*} and {@code Remote-*} headers go to the upstream, and any
   * copies the client sent of those names, and every client {@code Remote-*} header, are dropped
   * first so a client can never pose as someone else.
   */
  static void allowedBy(HttpHeaders upstream, HttpHeaders auth) {
    removeNames(upstream, name -> AsciiString.regionMatches(name, true, 0, "remote-", 0, 7));
    for (var e : auth) {
      if (fromAuthServer(e.getKey())) {
        upstream.remove(e.getKey());
      }
    }
    for (var e : auth) {
      if (fromAuthServer(e.getKey())) {
        upstream.add(e.getKey(), e.getValue());
      }
    }
  }

  private static boolean fromAuthServer(String name) {
    return name.regionMatches(true, 0, "x-", 0, 2) || name.regionMatches(true, 0, "remote-", 0, 7);
  }

  /**
   * Removes every header whose name matches. Iterates the entries as they are: {@code names()}
   * would copy every name into a new set, per request.
   */
  static void removeNames(HttpHeaders h, java.util.function.Predicate<CharSequence> match) {
    if (h instanceof ForwardedHeaders forwarded) {
      if (match instanceof FieldNameSet set) {
        forwarded.removeNames(set);
      } else {
        forwarded.removeNamesIf(match);
      }
      return;
    }
    List<CharSequence> drop = null;
    for (var it = h.iteratorCharSequence(); it.hasNext(); ) {
      CharSequence name = it.next().getKey();
      if (match.test(name)) {
        if (drop == null) {
          drop = new java.util.ArrayList<>(4);
        }
        drop.add(name);
      }
    }
    if (drop != null) {
      drop.forEach(h::remove);
    }
  }
}
