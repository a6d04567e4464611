package io.aralez.controller.snapshot;

import io.aralez.controller.snapshot.nginx.NginxValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * Typed parsing of the {@code aralez.io/*} annotations of one Ingress. A value that does not parse
 * is an error (the Ingress is left out of the snapshot); an {@code aralez.io/} key we do not know
 * is a warning, so a typo is noticed rather than silently ignored.
 */
final class IngressAnnotations {
  static final String PREFIX = "aralez.io/";

  /**
   * The parsed policies, and what went wrong.
   *
   * @param rules the request rules (rewrite, CORS, source lists...), default when none
   * @param regex the Ingress's paths are regexes ({@code aralez.io/use-regex}, for it alone)
   * @param defaultBackend the Service (same namespace) answering while a path's has no endpoint,
   *     and the error pages' backend, or null
   */
  record Parsed(
      PolicySpec policy,
      boolean forceSslRedirect,
      io.aralez.api.v1.RouteRules rules,
      boolean regex,
      String defaultBackend,
      List<String> errors,
      List<String> warnings) {}

  private static final Map<String, BiConsumer<Draft, String>> KEYS = new TreeMap<>();

  static {
    KEYS.put("ssl-redirect", (d, v) -> d.sslRedirect = Values.bool(v));
    KEYS.put("force-ssl-redirect", (d, v) -> d.forceSslRedirect = Values.bool(v));
    KEYS.put("ssl-redirect-code", (d, v) -> d.sslRedirectCode = Values.redirectCode(v));
    KEYS.put("permanent-redirect", (d, v) -> d.redirectUrl = Values.url(v));
    KEYS.put("permanent-redirect-code", (d, v) -> d.redirectCode = Values.redirectCode(v));
    KEYS.put("rate-limit-rps", (d, v) -> d.rateLimit = Values.positive(v));
    KEYS.put("error-rate-limit-rps", (d, v) -> d.errorRateLimit = Values.positive(v));
    KEYS.put("auth-type", (d, v) -> d.authType = authType(v));
    KEYS.put("auth-secret", (d, v) -> d.authSecret = secretName(v));
    KEYS.put("auth-url", (d, v) -> d.authUrl = Values.url(v));
    KEYS.put("affinity", (d, v) -> d.affinity = affinity(v));
    KEYS.put("session-cookie-max-age", (d, v) -> d.maxAge = Values.durationSeconds(v));
    KEYS.put("request-headers", (d, v) -> d.requestHeaders = Values.headerLines(v));
    KEYS.put("response-headers", (d, v) -> d.responseHeaders = Values.headerLines(v));
    KEYS.put("health-check", (d, v) -> d.healthCheck = Values.bool(v));
    KEYS.put("backend-protocol", (d, v) -> d.protocol = Values.protocol(v));
    KEYS.put("connect-timeout", (d, v) -> d.connectTimeoutMs = Values.timeoutMillis(v));
    KEYS.put("read-timeout", (d, v) -> d.readTimeoutMs = Values.timeoutMillis(v));
    KEYS.put("connect-attempts", (d, v) -> d.connectAttempts = Values.connectAttempts(v));
    KEYS.put("max-connections", (d, v) -> d.maxConnections = Values.count(v, 1, 1_000_000));
    KEYS.put("queue-size", (d, v) -> d.queueSize = Values.count(v, 0, 1_000_000));
    KEYS.put("queue-timeout", (d, v) -> d.queueTimeoutMs = Values.timeoutMillis(v));
    // Read by AcmeTargets; parsed here so a bad value is an error like any other annotation's.
    KEYS.put("acme", (d, v) -> Values.bool(v));
    // Request rules, the same as ingress-nginx's keys of the same name (README).
    KEYS.put("use-regex", (d, v) -> d.regex = Values.bool(v));
    KEYS.put("rewrite-target", (d, v) -> d.rules.setRewriteTarget(RuleValues.target(v)));
    KEYS.put("x-forwarded-prefix", (d, v) -> d.rules.setForwardedPrefix(RuleValues.printable(v)));
    KEYS.put("app-root", (d, v) -> d.rules.setAppRoot(NginxValues.path(v)));
    KEYS.put("max-body-size", (d, v) -> d.rules.setMaxBodyBytes(NginxValues.size(v)));
    KEYS.put("upstream-vhost", (d, v) -> d.rules.setUpstreamHost(RuleValues.host(v)));
    KEYS.put("allow-source-range", (d, v) -> d.rules.addAllAllowSources(NginxValues.cidrs(v)));
    KEYS.put("deny-source-range", (d, v) -> d.rules.addAllDenySources(NginxValues.cidrs(v)));
    KEYS.put("hsts", (d, v) -> d.rules.setHsts(RuleValues.hsts(v)));
    KEYS.put("enable-cors", (d, v) -> d.cors = Values.bool(v));
    KEYS.put("cors-allow-origin", (d, v) -> d.corsSpec.addAllAllowOrigins(RuleValues.origins(v)));
    KEYS.put("cors-allow-methods", (d, v) -> d.corsSpec.setAllowMethods(NginxValues.methods(v)));
    KEYS.put("cors-allow-headers", (d, v) -> d.corsSpec.setAllowHeaders(NginxValues.headerList(v)));
    KEYS.put(
        "cors-expose-headers", (d, v) -> d.corsSpec.setExposeHeaders(NginxValues.headerList(v)));
    KEYS.put("cors-allow-credentials", (d, v) -> d.corsCredentials = Values.bool(v));
    KEYS.put("cors-max-age", (d, v) -> d.corsSpec.setMaxAgeSeconds(RuleValues.maxAge(v)));
    KEYS.put("default-backend", (d, v) -> d.defaultBackend = serviceName(v));
    KEYS.put(
        "custom-http-errors", (d, v) -> d.rules.addAllInterceptCodes(NginxValues.errorCodes(v)));
  }

  private IngressAnnotations() {}

  /** The annotation names this version understands, without the prefix. */
  static List<String> known() {
    return List.copyOf(KEYS.keySet());
  }

  static Parsed parse(Map<String, String> annotations) {
    Draft d = new Draft();
    List<String> errors = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    Map<String, String> sorted = new TreeMap<>(annotations == null ? Map.of() : annotations);
    for (Map.Entry<String, String> e : sorted.entrySet()) {
      if (!e.getKey().startsWith(PREFIX)) {
        continue;
      }
      String key = e.getKey().substring(PREFIX.length());
      BiConsumer<Draft, String> parser = KEYS.get(key);
      if (parser == null) {
        warnings.add("unknown annotation " + e.getKey() + " ignored");
        continue;
      }
      try {
        parser.accept(d, e.getValue() == null ? "" : e.getValue());
      } catch (IllegalArgumentException ex) {
        errors.add("annotation " + e.getKey() + ": " + ex.getMessage());
      }
    }
    if (d.authType != null) {
      switch (d.authType) {
        case "BASIC", "APIKEY", "JWT" -> {
          if (d.authSecret == null) {
            errors.add(
                "annotation aralez.io/auth-type "
                    + lower(d.authType)
                    + " needs aralez.io/auth-secret");
          }
        }
        case "FORWARD" -> {
          if (d.authUrl == null) {
            errors.add("annotation aralez.io/auth-type forward needs aralez.io/auth-url");
          }
        }
        default -> {}
      }
    } else if (d.authSecret != null || d.authUrl != null) {
      errors.add("aralez.io/auth-secret and aralez.io/auth-url need aralez.io/auth-type");
    }
    if (d.affinity && d.maxAge == null) {
      d.maxAge = 0L;
    } else if (!d.affinity && d.maxAge != null) {
      errors.add("aralez.io/session-cookie-max-age needs aralez.io/affinity: cookie");
      d.maxAge = null;
    }
    if (d.cors) {
      d.rules.setCors(RuleValues.cors(d.corsSpec, d.corsCredentials));
    } else if (!d.corsSpec.build().equals(io.aralez.api.v1.Cors.getDefaultInstance())
        || d.corsCredentials != null) {
      errors.add("aralez.io/cors-* need aralez.io/enable-cors: \"true\"");
    }
    if (d.rules.getForwardedPrefix().length() > 0 && d.rules.getRewriteTarget().isEmpty()) {
      errors.add("aralez.io/x-forwarded-prefix needs aralez.io/rewrite-target");
    }
    if (d.rules.getInterceptCodesCount() > 0 && d.defaultBackend == null) {
      errors.add("aralez.io/custom-http-errors needs aralez.io/default-backend");
    }
    PolicySpec spec =
        new PolicySpec(
            d.rateLimit,
            d.errorRateLimit,
            d.authType,
            d.authSecret,
            d.authUrl,
            d.requestHeaders,
            d.responseHeaders,
            d.maxAge,
            d.healthCheck,
            d.protocol,
            d.sslRedirect ? Boolean.TRUE : null,
            d.sslRedirectCode,
            d.redirectUrl,
            d.redirectCode,
            d.connectTimeoutMs,
            d.readTimeoutMs,
            d.connectAttempts,
            PolicySpec.BackendCap.of(d.maxConnections, d.queueSize, d.queueTimeoutMs));
    return new Parsed(
        spec, d.forceSslRedirect, d.rules.build(), d.regex, d.defaultBackend, errors, warnings);
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  private static String authType(String v) {
    return switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "basic" -> "BASIC";
      case "apikey" -> "APIKEY";
      case "jwt" -> "JWT";
      case "forward" -> "FORWARD";
      default ->
          throw new IllegalArgumentException(
              "'" + v + "' is not one of basic, apikey, jwt, forward");
    };
  }

  private static boolean affinity(String v) {
    if (!v.trim().equalsIgnoreCase("cookie")) {
      throw new IllegalArgumentException("'" + v + "' is not cookie");
    }
    return true;
  }

  static String secretName(String v) {
    String s = v.trim();
    if (!s.matches("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")) {
      throw new IllegalArgumentException("'" + v + "' is not a Secret name (same namespace)");
    }
    return s;
  }

  private static String serviceName(String v) {
    String s = v.trim();
    if (!s.matches("[a-z]([-a-z0-9]{0,61}[a-z0-9])?")) {
      throw new IllegalArgumentException("'" + v + "' is not a Service name (same namespace)");
    }
    return s;
  }

  private static final class Draft {
    String defaultBackend;
    final io.aralez.api.v1.RouteRules.Builder rules = io.aralez.api.v1.RouteRules.newBuilder();
    final io.aralez.api.v1.Cors.Builder corsSpec = io.aralez.api.v1.Cors.newBuilder();
    boolean cors;
    Boolean corsCredentials;
    boolean regex;
    boolean sslRedirect;
    boolean forceSslRedirect;
    Integer sslRedirectCode;
    String redirectUrl;
    Integer redirectCode;
    Long rateLimit;
    Long errorRateLimit;
    String authType;
    String authSecret;
    String authUrl;
    boolean affinity;
    Long maxAge;
    List<io.aralez.api.v1.Header> requestHeaders;
    List<io.aralez.api.v1.Header> responseHeaders;
    Boolean healthCheck;
    String protocol;
    Long connectTimeoutMs;
    Long readTimeoutMs;
    Integer connectAttempts;
    Integer maxConnections;
    Integer queueSize;
    Long queueTimeoutMs;
  }
}
