package io.aralez.dataplane.proxy;

import io.aralez.dataplane.config.RouteRules;
import io.aralez.dataplane.request.RequestTarget;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The forward-auth answer read with ingress-nginx's semantics (nginx's auth_request): a 2xx lets
 * the request through with the listed headers copied onto it; 401 is answered 401, or 302 to the
 * sign-in page with the original URL in a query parameter; 403 is answered 403; anything else,
 * including no answer in time, is 500.
 */
final class ExternalAuthAnswer {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private ExternalAuthAnswer() {}

  static void decide(
      HttpHeaders upstream,
      SideCall.Result result,
      RouteRules.ExternalAuth rules,
      RequestTarget target,
      boolean secure,
      ByteBufAllocator alloc,
      Consumer<FullHttpResponse> then) {
    int status = result.status();
    Consumer<FullHttpResponse> answer =
        rules.alwaysSetCookie() && result.answered()
            ? res -> then.accept(withCookies(res, result.headers()))
            : then;
    decide(upstream, result, status, rules, target, secure, alloc, answer);
  }

  /** auth-always-set-cookie: the auth server's cookies go with a refusal too. */
  private static FullHttpResponse withCookies(FullHttpResponse res, HttpHeaders auth) {
    if (res != null) {
      for (String c : auth.getAll("set-cookie")) {
        res.headers().add("set-cookie", c);
      }
    }
    return res;
  }

  private static void decide(
      HttpHeaders upstream,
      SideCall.Result result,
      int status,
      RouteRules.ExternalAuth rules,
      RequestTarget target,
      boolean secure,
      ByteBufAllocator alloc,
      Consumer<FullHttpResponse> then) {
    try {
      if (status >= 200 && status < 300) {
        for (String name : rules.responseHeaders()) {
          // The auth server's value replaces whatever the client sent under that name.
          upstream.remove(name);
          for (String v : result.headers().getAll(name)) {
            upstream.add(name, v);
          }
        }
        then.accept(null);
      } else if (status == 401 && rules.signinUrl() != null) {
        then.accept(LocalResponses.redirect(alloc, 302, signin(rules, target, secure)));
      } else if (status == 401 || status == 403) {
        FullHttpResponse res = LocalResponses.status(alloc, HttpResponseStatus.valueOf(status));
        String challenge = result.headers().get("www-authenticate");
        if (status == 401 && challenge != null) {
          res.headers().set("www-authenticate", challenge);
        }
        then.accept(res);
      } else {
        then.accept(LocalResponses.status(alloc, HttpResponseStatus.INTERNAL_SERVER_ERROR));
      }
    } finally {
      if (result.body() != null) {
        result.body().release();
      }
    }
  }

  /** {@code <signin>?rd=<scheme>://<host><escaped request URI>}, as ingress-nginx builds it. */
  static String signin(RouteRules.ExternalAuth rules, RequestTarget target, boolean secure) {
    String host = target.hostHeader() == null ? "" : target.hostHeader();
    String url = rules.signinUrl().replace("$host", host);
    String original = (secure ? "https://" : "http://") + host + escape(target.uri());
    return url + (url.indexOf('?') >= 0 ? '&' : '?') + rules.redirectParam() + "=" + original;
  }

  /** Every byte but the unreserved characters percent-encoded ("/" too, as nginx does here). */
  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c >= 'a' && c <= 'z'
          || c >= 'A' && c <= 'Z'
          || c >= '0' && c <= '9'
          || "-._~".indexOf(c) >= 0) {
        out.append((char) c);
      } else {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 15]);
      }
    }
    return out.toString();
  }
}
