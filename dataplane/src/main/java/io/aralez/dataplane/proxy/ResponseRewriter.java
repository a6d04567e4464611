package io.aralez.dataplane.proxy;

import io.aralez.dataplane.config.RouteRules;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The upstream's answer as the route rewrites it (ingress-nginx's proxy-redirect-from/-to and
 * proxy-cookie-domain/-path): a backend that names itself in Location or sets cookies for its own
 * domain and path is shown to clients under the public ones.
 */
final class ResponseRewriter {
  private ResponseRewriter() {}

  static void apply(HttpHeaders h, RouteRules.ResponseRewrite rw) {
    if (rw.locationFrom() != null) {
      String location = h.get(HttpHeaderNames.LOCATION);
      if (location != null && location.startsWith(rw.locationFrom())) {
        h.set(
            HttpHeaderNames.LOCATION,
            rw.locationTo() + location.substring(rw.locationFrom().length()));
      }
      String refresh = h.get("refresh");
      int url = refresh == null ? -1 : refresh.toLowerCase(Locale.ROOT).indexOf("url=");
      if (url >= 0 && refresh.startsWith(rw.locationFrom(), url + 4)) {
        h.set(
            "refresh",
            refresh.substring(0, url + 4)
                + rw.locationTo()
                + refresh.substring(url + 4 + rw.locationFrom().length()));
      }
    }
    if ((rw.cookieDomainFrom() != null || rw.cookiePathFrom() != null)
        && h.contains(HttpHeaderNames.SET_COOKIE)) {
      List<String> cookies = new ArrayList<>(h.getAll(HttpHeaderNames.SET_COOKIE));
      h.remove(HttpHeaderNames.SET_COOKIE);
      for (String c : cookies) {
        h.add(HttpHeaderNames.SET_COOKIE, cookie(c, rw));
      }
    }
  }

  private static String cookie(String setCookie, RouteRules.ResponseRewrite rw) {
    String[] parts = setCookie.split(";", -1);
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].trim();
      int eq = p.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String name = p.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      String value = p.substring(eq + 1).trim();
      if (name.equals("domain")
          && rw.cookieDomainFrom() != null
          && value.equalsIgnoreCase(rw.cookieDomainFrom())) {
        parts[i] = " " + p.substring(0, eq) + "=" + rw.cookieDomainTo();
      } else if (name.equals("path")
          && rw.cookiePathFrom() != null
          && value.startsWith(rw.cookiePathFrom())) {
        parts[i] =
            " "
                + p.substring(0, eq)
                + "="
                + rw.cookiePathTo()
                + value.substring(rw.cookiePathFrom().length());
      }
    }
    return String.join(";", parts);
  }
}
