package io.aralez.dataplane.routing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The request's cookies by name (the first of a name wins), for routes with cookie conditions. */
final class Cookies {
  /** More are not looked at: a route condition never needs them, and parsing stays bounded. */
  private static final int MAX_COOKIES = 64;

  private Cookies() {}

  static Map<String, String> of(List<String> cookieHeaders) {
    Map<String, String> out = new HashMap<>();
    for (String header : cookieHeaders) {
      for (String pair : header.split(";")) {
        if (out.size() >= MAX_COOKIES) {
          return out;
        }
        int eq = pair.indexOf('=');
        if (eq > 0) {
          out.putIfAbsent(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
      }
    }
    return out;
  }
}
