package io.aralez.dataplane.admission;

import io.aralez.common.values.HashKeys;
import java.util.regex.Matcher;

/** Evaluates a consistent-hashing key expression ({@link HashKeys}) on one request. */
final class HashKey {
  private HashKey() {}

  static String of(String expr, Admitting r) {
    StringBuilder out = new StringBuilder(64);
    Matcher m = HashKeys.VARIABLE.matcher(expr);
    int last = 0;
    while (m.find()) {
      out.append(expr, last, m.start());
      out.append(value(m.group(1), r));
      last = m.end();
    }
    return out.append(expr, last, expr.length()).toString();
  }

  private static String value(String name, Admitting r) {
    switch (name) {
      case "request_uri":
        return r.target.uri();
      case "uri":
        return r.target.canonicalPath();
      case "host":
        return r.target.host() == null ? "" : r.target.host();
      case "remote_addr":
        return r.facts.client();
      default:
        break;
    }
    if (name.startsWith("http_")) {
      String v = r.head.header(name.substring(5).replace('_', '-'));
      return v == null ? "" : v;
    }
    if (name.startsWith("cookie_")) {
      String v = StickyCookie.parse(r.head.headers("cookie"), name.substring(7));
      return v == null ? "" : v;
    }
    String q = r.target.query();
    String key = name.substring(4) + "=";
    for (String pair : q.isEmpty() ? new String[0] : q.substring(1).split("&")) {
      if (pair.startsWith(key)) {
        return pair.substring(key.length());
      }
    }
    return "";
  }
}
