package io.aralez.controller.snapshot;

import io.aralez.api.v1.Cors;
import io.aralez.common.values.PathRegexes;
import io.aralez.controller.snapshot.nginx.NginxValues;
import java.util.ArrayList;
import java.util.List;

/**
 * Strict parsing of request-rule values for {@code aralez.io/*} annotations and AralezRoute: a bad
 * value is an error (the object is left out), never silently dropped.
 */
final class RuleValues {
  static final String CORS_METHODS = NginxValues.CORS_METHODS;
  static final String CORS_HEADERS = NginxValues.CORS_HEADERS;
  private static final String ORIGIN =
      "[A-Za-z][A-Za-z0-9+.-]*://(\\*\\.)?[A-Za-z0-9.-]+(:\\d{1,5})?";

  private RuleValues() {}

  static String target(String v) {
    String p = PathRegexes.targetProblem(v.trim());
    if (p != null) {
      throw new IllegalArgumentException(p);
    }
    return v.trim();
  }

  static String printable(String v) {
    if (v.isEmpty() || v.chars().anyMatch(c -> c < ' ' || c >= 0x7f)) {
      throw new IllegalArgumentException("'" + v + "' is empty or has control characters");
    }
    return v;
  }

  static String host(String v) {
    String t = v.trim();
    if (!t.matches("[A-Za-z0-9.:\\[\\]_-]{1,255}")) {
      throw new IllegalArgumentException("'" + v + "' is not a host name");
    }
    return t;
  }

  /** A Strict-Transport-Security value: max-age, then includeSubDomains and preload. */
  static String hsts(String v) {
    String t = v.trim();
    if (!t.matches("max-age=\\d{1,10}(; ?includeSubDomains)?(; ?preload)?")) {
      throw new IllegalArgumentException(
          "'" + v + "' is not max-age=N[; includeSubDomains][; preload]");
    }
    return t;
  }

  /** "*" or origins {@code scheme://host[:port]}, the host possibly starting with "*.". */
  static List<String> origins(String v) {
    List<String> out = new ArrayList<>();
    for (String o : v.split(",")) {
      String t = o.trim();
      if (t.isEmpty()) {
        continue;
      }
      if (!t.equals("*") && !t.matches(ORIGIN)) {
        throw new IllegalArgumentException("'" + t + "' is not * or scheme://host[:port]");
      }
      out.add(t);
    }
    return out;
  }

  static int maxAge(String v) {
    String t = v.trim();
    if (!t.matches("\\d{1,9}")) {
      throw new IllegalArgumentException("'" + v + "' is not a number of seconds");
    }
    return Integer.parseInt(t);
  }

  /** The CORS rule with ingress-nginx's defaults for what is not set. */
  static Cors cors(Cors.Builder spec, Boolean credentials) {
    Cors.Builder c = spec.clone();
    if (c.getAllowOriginsCount() == 0 || c.getAllowOriginsList().contains("*")) {
      c.clearAllowOrigins().addAllowOrigins("*");
    }
    if (c.getAllowMethods().isEmpty()) {
      c.setAllowMethods(CORS_METHODS);
    }
    if (c.getAllowHeaders().isEmpty()) {
      c.setAllowHeaders(CORS_HEADERS);
    }
    if (c.getMaxAgeSeconds() == 0) {
      c.setMaxAgeSeconds(1728000);
    }
    return c.setAllowCredentials(credentials == null || credentials).build();
  }
}
