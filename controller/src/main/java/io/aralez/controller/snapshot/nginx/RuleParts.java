package io.aralez.controller.snapshot.nginx;

import io.aralez.api.v1.Cors;
import io.aralez.api.v1.ResponseRewrite;
import io.aralez.api.v1.StickyCookie;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The parts of an Ingress's rules that several ingress-nginx annotations make together (CORS,
 * canary, the affinity cookie, response rewrites, retries), from values already checked by {@link
 * ValueChecks}. {@code report} is told of an annotation that is only partly used or not at all.
 */
final class RuleParts {
  private RuleParts() {}

  /**
   * ingress-nginx's CORS with its defaults; origins that are not scheme://host[:port] are left out.
   */
  static Cors cors(Map<String, String> v, BiConsumer<String, String> partial) {
    Cors.Builder c = Cors.newBuilder();
    List<String> bad = new ArrayList<>();
    for (String o : v.getOrDefault("cors-allow-origin", "*").split(",")) {
      String t = o.trim();
      if (t.isEmpty()) {
        continue;
      }
      if (t.equals("*")
          || t.matches("[A-Za-z][A-Za-z0-9+.-]*://(\\*\\.)?[A-Za-z0-9.-]+(:\\d{1,5})?")) {
        c.addAllowOrigins(t);
      } else {
        bad.add(t);
      }
    }
    if (!bad.isEmpty()) {
      partial.accept("cors-allow-origin", "origins left out (not scheme://host[:port]): " + bad);
    }
    if (c.getAllowOriginsList().contains("*") || c.getAllowOriginsCount() == 0) {
      c.clearAllowOrigins().addAllowOrigins("*");
    }
    c.setAllowMethods(v.getOrDefault("cors-allow-methods", NginxValues.CORS_METHODS));
    c.setAllowHeaders(v.getOrDefault("cors-allow-headers", NginxValues.CORS_HEADERS));
    c.setExposeHeaders(v.getOrDefault("cors-expose-headers", ""));
    c.setAllowCredentials(
        !v.containsKey("cors-allow-credentials") || NginxValues.flag(v, "cors-allow-credentials"));
    c.setMaxAgeSeconds(
        (int)
            (v.containsKey("cors-max-age") ? NginxValues.seconds(v.get("cors-max-age")) : 1728000));
    return c.build();
  }

  /** The canary split, or null when the Ingress is not a canary (its canary-* keys then unused). */
  static NginxResult.Canary canary(
      Map<String, String> v, boolean isCanary, BiConsumer<String, String> ignored) {
    if (!isCanary) {
      for (String k : List.copyOf(v.keySet())) {
        if (k.startsWith("canary-") || k.equals("affinity-canary-behavior")) {
          ignored.accept(k, "has no effect without canary: \"true\"");
        }
      }
      return null;
    }
    int total = 100;
    if (v.containsKey("canary-weight-total")) {
      // ingress-nginx honours a total only above 100.
      total = Math.max(100, Integer.parseInt(v.get("canary-weight-total")));
    }
    int weight =
        v.containsKey("canary-weight")
            ? Math.min(total, Integer.parseInt(v.get("canary-weight")))
            : 0;
    return new NginxResult.Canary(
        v.get("canary-by-header"),
        v.containsKey("canary-by-header") ? v.get("canary-by-header-value") : null,
        // ingress-nginx ignores the pattern when a value is given.
        v.containsKey("canary-by-header") && !v.containsKey("canary-by-header-value")
            ? v.get("canary-by-header-pattern")
            : null,
        v.get("canary-by-cookie"),
        weight,
        total,
        v.containsKey("affinity-canary-behavior")
            && v.get("affinity-canary-behavior").trim().equals("legacy"));
  }

  /** ingress-nginx's affinity cookie: INGRESSCOOKIE, no SameSite unless asked. */
  static StickyCookie cookie(Map<String, String> v, boolean secure) {
    StickyCookie.Builder c =
        StickyCookie.newBuilder()
            .setName(v.getOrDefault("session-cookie-name", "INGRESSCOOKIE"))
            .setPath(v.getOrDefault("session-cookie-path", ""))
            .setDomain(v.getOrDefault("session-cookie-domain", ""))
            .setSameSite(v.getOrDefault("session-cookie-samesite", "-"))
            .setKeepOnFailure(!NginxValues.flag(v, "session-cookie-change-on-failure"))
            .setConditionalSameSiteNone(
                NginxValues.flag(v, "session-cookie-conditional-samesite-none"));
    if (v.containsKey("session-cookie-secure")) {
      c.setSecure(String.valueOf(secure));
    }
    if (v.containsKey("session-cookie-expires")) {
      c.setExpiresSeconds(NginxValues.positiveInt(v.get("session-cookie-expires")));
    }
    return c.build();
  }

  /** No affinity: the session-cookie-* keys are unused. */
  static StickyCookie noCookie(Map<String, String> v, BiConsumer<String, String> ignored) {
    for (String k : List.copyOf(v.keySet())) {
      if (k.startsWith("session-cookie-")) {
        ignored.accept(k, "has no effect without affinity: cookie");
      }
    }
    return null;
  }

  /** proxy-redirect-* and proxy-cookie-*, or null when none applies. */
  static ResponseRewrite responseRewrite(Map<String, String> v) {
    ResponseRewrite.Builder rw = ResponseRewrite.newBuilder();
    String from = v.get("proxy-redirect-from");
    if (from != null
        && !from.equals("off")
        && !from.equals("default")
        && v.containsKey("proxy-redirect-to")) {
      rw.setLocationFrom(from).setLocationTo(v.get("proxy-redirect-to"));
    }
    String[] domain = pair(v.get("proxy-cookie-domain"));
    if (domain != null) {
      rw.setCookieDomainFrom(domain[0]).setCookieDomainTo(domain[1]);
    }
    String[] path = pair(v.get("proxy-cookie-path"));
    if (path != null) {
      rw.setCookiePathFrom(path[0]).setCookiePathTo(path[1]);
    }
    ResponseRewrite built = rw.build();
    return built.equals(ResponseRewrite.getDefaultInstance()) ? null : built;
  }

  /** "from to", or null for "off" or unset. */
  private static String[] pair(String value) {
    if (value == null || value.trim().equals("off")) {
      return null;
    }
    return value.trim().split("\\s+", 2);
  }

  /**
   * Backends tried when connecting fails: proxy-next-upstream-tries (1 to 5), 1 with "off",
   * ingress-nginx's 3 by default on its own classes.
   */
  /**
   * proxy-next-upstream beyond failed connects: the statuses, timeout and error cases,
   * non_idempotent and proxy-next-upstream-timeout; null when it lists none of them (or "off").
   */
  static io.aralez.api.v1.NextUpstream nextUpstream(Map<String, String> v) {
    String cases = v.getOrDefault("proxy-next-upstream", "error timeout");
    if (cases.contains("off")) {
      return null;
    }
    var b = io.aralez.api.v1.NextUpstream.newBuilder();
    for (String w : cases.trim().split("\\s+")) {
      switch (w) {
        case "error" -> b.setError(true);
        case "timeout" -> b.setTimeout(true);
        case "non_idempotent" -> b.setNonIdempotent(true);
        default -> {
          if (w.startsWith("http_")) {
            b.addStatuses(Integer.parseInt(w.substring(5)));
          }
        }
      }
    }
    if (v.containsKey("proxy-next-upstream-timeout")) {
      b.setTimeoutMs(
          (int)
              Math.min(
                  3_600_000L, NginxValues.seconds(v.get("proxy-next-upstream-timeout")) * 1000));
    }
    return b.build();
  }

  static Integer attempts(Map<String, String> v, NginxDefaults defaults) {
    String cases = v.getOrDefault("proxy-next-upstream", "error timeout");
    if (cases.contains("off") || !cases.contains("error")) {
      return 1;
    }
    if (v.containsKey("proxy-next-upstream-tries")) {
      return (int) Math.min(5, NginxValues.positiveInt(v.get("proxy-next-upstream-tries")));
    }
    return defaults == null ? null : 3;
  }
}
