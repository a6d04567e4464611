package io.aralez.dataplane.admission;

import io.aralez.dataplane.config.ProxyConfig.StickySessions;
import java.util.List;

/**
 * The affinity cookie ({@code backend_id}, or the name the route gives it): exact parsing and the
 * Set-Cookie value.
 */
public final class StickyCookie {
  public static final String NAME = "backend_id";

  /** RFC 9110's IMF-fixdate (two-digit day, GMT). */
  private static final java.time.format.DateTimeFormatter IMF_FIXDATE =
      java.time.format.DateTimeFormatter.ofPattern(
          "EEE, dd MMM yyyy HH:mm:ss 'GMT'", java.util.Locale.US);

  private StickyCookie() {}

  /** The value of a cookie named exactly {@code backend_id}, or null. */
  public static String parse(List<String> cookieHeaders) {
    return parse(cookieHeaders, NAME);
  }

  /** The value of a cookie named exactly {@code name}, or null. */
  public static String parse(List<String> cookieHeaders, String name) {
    for (String header : cookieHeaders) {
      for (String pair : header.split(";")) {
        int eq = pair.indexOf('=');
        if (eq > 0 && pair.substring(0, eq).trim().equals(name)) {
          String v = pair.substring(eq + 1).trim();
          if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            v = v.substring(1, v.length() - 1);
          }
          return v;
        }
      }
    }
    return null;
  }

  public static String header(String id, StickySessions sticky, boolean secure) {
    var c = sticky.cookie();
    StringBuilder b = new StringBuilder(c.name()).append('=').append(id);
    b.append("; Path=").append(c.path());
    if (c.domain() != null) {
      b.append("; Domain=").append(c.domain());
    }
    if (sticky.maxAgeSeconds() != null) {
      b.append("; Max-Age=").append(sticky.maxAgeSeconds());
    }
    if (c.expiresSeconds() != null) {
      b.append("; Expires=")
          .append(
              IMF_FIXDATE.format(
                  java.time.Instant.now()
                      .plusSeconds(c.expiresSeconds())
                      .atOffset(java.time.ZoneOffset.UTC)));
    }
    b.append("; HttpOnly");
    if (c.sameSite() != null) {
      b.append("; SameSite=").append(c.sameSite());
    }
    if (c.secure() != null ? c.secure() : secure) {
      b.append("; Secure");
    }
    return b.toString();
  }
}
