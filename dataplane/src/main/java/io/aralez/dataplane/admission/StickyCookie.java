package io.aralez.dataplane.admission;

import io.aralez.dataplane.config.ProxyConfig.StickySessions;
import java.util.List;

/** The {@code backend_id} affinity cookie: exact parsing and the Set-Cookie value. */
public final class StickyCookie {
  public static final String NAME = "backend_id";

  private StickyCookie() {}

  /** The value of a cookie named exactly {@code backend_id}, or null. */
  public static String parse(List<String> cookieHeaders) {
    for (String header : cookieHeaders) {
      for (String pair : header.split(";")) {
        int eq = pair.indexOf('=');
        if (eq > 0 && pair.substring(0, eq).trim().equals(NAME)) {
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
    StringBuilder b = new StringBuilder(NAME).append('=').append(id).append("; Path=/");
    if (sticky.maxAgeSeconds() != null) {
      b.append("; Max-Age=").append(sticky.maxAgeSeconds());
    }
    b.append("; HttpOnly; SameSite=Lax");
    if (secure) {
      b.append("; Secure");
    }
    return b.toString();
  }
}
