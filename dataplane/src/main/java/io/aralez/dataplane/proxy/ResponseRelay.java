package io.aralez.dataplane.proxy;

import io.aralez.dataplane.admission.StickyCookie;
import io.aralez.dataplane.admission.Verdict;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * The response half of an exchange: relays the upstream's response to the client with the edits we
 * owe (framing, hop-by-hop headers, configured header rules, the sticky cookie), skips interim
 * responses the client did not ask for, and remembers what the ending needs to know.
 */
final class ResponseRelay {
  /** What a response head turned out to be. */
  enum Head {
    /** The final response started: its head went to the client. */
    STARTED,
    /** A 1xx; relayed when the client can take it. */
    INTERIM,
    /** A 101 accepting the client's WebSocket upgrade. */
    UPGRADE,
    /** A response nobody can relay (an unasked-for 101). */
    INVALID
  }

  private final ClientSide client;
  private final ClientTraits traits;
  private final boolean secure;
  private boolean interim;
  private boolean started;
  private int status;
  private long bytes;
  private boolean closeClientAfter;
  private boolean upstreamKeepAlive;
  private java.util.List<String> authCookies = java.util.List.of();
  private boolean authCookiesAlways;

  ResponseRelay(ClientSide client, ClientTraits traits, boolean secure) {
    this.client = client;
    this.traits = traits;
    this.secure = secure;
  }

  /**
   * @param requestComplete whether the whole request went upstream (if not, the client connection
   *     closes after the response: the rest of its body cannot be skipped safely)
   * @param backend the index of the backend answering, for the sticky cookie
   */
  Head head(HttpResponse res, boolean requestComplete, Verdict.Forward forward, int backend) {
    int code = res.status().code();
    if (code == 101) {
      return traits.upgrade() && HeaderRewriter.isWebSocketAccept(res)
          ? Head.UPGRADE
          : Head.INVALID;
    }
    if (code < 200) {
      interim = true;
      if (traits.http11() && (code != 100 || traits.expectContinue())) {
        client.channel().write(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, res.status()));
      }
      return Head.INTERIM;
    }
    started = true;
    status = code;
    client.responseStatus(code);
    upstreamKeepAlive = HttpUtil.isKeepAlive(res);
    var entry = forward.entry();
    boolean closeAfter = !traits.keepAlive() || client.draining() || !requestComplete;
    closeClientAfter =
        HeaderRewriter.clientResponse(
            res, traits.http11(), traits.head(), closeAfter, entry.route().clientHeaders());
    for (var h : forward.edits().responseHeaders()) {
      res.headers().set(h.name(), h.value());
    }
    var rewrite = entry.route().rules().responseRewrite();
    if (rewrite != null) {
      ResponseRewriter.apply(res.headers(), rewrite);
    }
    var sticky = forward.sticky();
    String answering = sticky.enabled() ? entry.stickyId(backend) : null;
    if (answering != null
        && !answering.equals(forward.stickyId())
        // Failed over from the cookie's backend: the session goes back to it when it can.
        && !(sticky.keepOnFailure() && entry.lists(forward.stickyId()))) {
      // Added next to the upstream's own cookies, never replacing them.
      res.headers().add(HttpHeaderNames.SET_COOKIE, StickyCookie.header(answering, sticky, secure));
    }
    if (!authCookies.isEmpty() && (authCookiesAlways || addHeaderApplies(code))) {
      for (String c : authCookies) {
        res.headers().add(HttpHeaderNames.SET_COOKIE, c);
      }
    }
    if (res instanceof LastHttpContent whole) {
      // Head and body in one message (an upstream response read whole).
      bytes += whole.content().readableBytes();
      if (!client.channel().http2()) {
        whole.trailingHeaders().clear();
      }
    }
    client.channel().write(res);
    return Head.STARTED;
  }

  /**
   * Relays body content of the final response; drops an interim response's.
   *
   * @return true when this was the end of the final response
   */
  boolean content(HttpContent content) {
    if (interim || !started) {
      content.release();
      if (interim && content instanceof LastHttpContent) {
        interim = false;
      }
      return false;
    }
    bytes += content.content().readableBytes();
    if (content instanceof LastHttpContent last) {
      if (!last.trailingHeaders().isEmpty() && !client.channel().http2()) {
        // HTTP/1.1 clients get no trailers; HTTP/2 clients (gRPC: grpc-status) get them all.
        client.channel().write(new DefaultLastHttpContent(last.content().retain()));
        last.release();
      } else {
        client.channel().write(last);
      }
      return true;
    }
    client.channel().write(content);
    return false;
  }

  /**
   * The forward-auth server's Set-Cookie values, added to the response: with {@code always} to any
   * status, otherwise to the statuses nginx's add_header applies to (ingress-nginx's semantics).
   */
  void authCookies(java.util.List<String> cookies, boolean always) {
    this.authCookies = java.util.List.copyOf(cookies);
    this.authCookiesAlways = always;
  }

  private static boolean addHeaderApplies(int code) {
    return switch (code) {
      case 200, 201, 204, 206, 301, 302, 303, 304, 307, 308 -> true;
      default -> false;
    };
  }

  boolean started() {
    return started;
  }

  int status() {
    return status;
  }

  long bytes() {
    return bytes;
  }

  boolean closeClientAfter() {
    return closeClientAfter;
  }

  boolean upstreamKeepAlive() {
    return upstreamKeepAlive;
  }

  /** A tunnel took over: the 101 counts as the start. */
  void upgraded() {
    started = true;
  }
}
