package io.aralez.controller.snapshot.nginx;

import io.aralez.common.values.PathRegexes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The validators of ingress-nginx's annotation values, as its own annotation parsers judge them:
 * most bad values are ignored (the default applies), a few deny the location.
 */
final class ValueChecks {
  /** A usable value, or one that denies the location, or a FastCGI backend (refused). */
  record Check(String denial, boolean fcgi) {
    static final Check OK = new Check(null, false);
    static final Check FCGI = new Check(null, true);

    static Check deny(String message) {
      return new Check(message, false);
    }
  }

  private ValueChecks() {}

  /**
   * Whether {@code ref} ("name" or "namespace/name") names an object of {@code namespace}: an
   * Ingress never reads another namespace's Secrets or ConfigMaps.
   */
  private static boolean local(String ref, String namespace) {
    String s = ref.trim();
    int slash = s.indexOf('/');
    String ns = slash < 0 ? namespace : s.substring(0, slash);
    String n = slash < 0 ? s : s.substring(slash + 1);
    return ns.equals(namespace) && n.matches("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
  }

  /**
   * How {@code value} of annotation {@code name} can be used: {@link Check#OK}, or a denial (the
   * location answers 503); throws {@link IllegalArgumentException} when the value is ignored and
   * the default applies.
   */
  static Check check(String name, String value, String namespace) {
    switch (name) {
      case "use-regex",
          "from-to-www-redirect",
          "service-upstream",
          "enable-access-log",
          "enable-global-auth",
          "ssl-redirect",
          "force-ssl-redirect",
          "preserve-trailing-slash",
          "use-port-in-redirects",
          "relative-redirects",
          "proxy-ssl-verify",
          "proxy-ssl-server-name",
          "auth-always-set-cookie",
          "auth-tls-pass-certificate-to-upstream",
          "mirror-request-body",
          "upstream-hash-by-subset",
          "enable-cors",
          "session-cookie-change-on-failure",
          "session-cookie-conditional-samesite-none",
          "cors-allow-credentials" ->
          NginxValues.bool(value);
      case "proxy-body-size" -> NginxValues.size(value);
      case "proxy-connect-timeout", "proxy-read-timeout", "proxy-send-timeout" ->
          NginxValues.timeout(value);
      case "cors-max-age" -> NginxValues.seconds(value);
      case "custom-http-errors" -> NginxValues.errorCodes(value);
      case "disable-proxy-intercept-errors" -> NginxValues.bool(value);
      case "limit-rps",
          "limit-rpm",
          "limit-burst-multiplier",
          "session-cookie-max-age",
          "limit-connections" ->
          NginxValues.positiveInt(value);
      case "cors-allow-methods" -> NginxValues.methods(value);
      case "cors-allow-headers", "cors-expose-headers" -> NginxValues.headerList(value);
      case "rewrite-target" -> {
        String p = PathRegexes.targetProblem(value.trim());
        if (p != null) {
          throw new IllegalArgumentException(p);
        }
      }
      case "app-root" -> NginxValues.path(value);
      case "permanent-redirect", "temporal-redirect" -> {
        String t = value.trim();
        if (!t.startsWith("/")) {
          NginxValues.url(t);
        } else {
          NginxValues.path(t);
        }
      }
      case "permanent-redirect-code", "temporal-redirect-code" -> {
        // Any value: a bad code falls back to the default code, as ingress-nginx does.
      }
      case "upstream-vhost" -> {
        if (value.indexOf('$') >= 0) {
          throw new IllegalArgumentException("nginx variables are not expanded");
        }
        if (!value.trim().matches("[A-Za-z0-9.:\\[\\]_-]{1,255}")) {
          throw new IllegalArgumentException("'" + value + "' is not a host name");
        }
      }
      case "x-forwarded-prefix" -> {
        if (value.chars().anyMatch(c -> c < ' ' || c >= 0x7f)) {
          throw new IllegalArgumentException("the value has control characters");
        }
      }
      case "backend-protocol" -> {
        String p = value.trim().toUpperCase(Locale.ROOT);
        if (p.equals("FCGI")) {
          return Check.FCGI;
        } else if (!List.of("HTTP", "HTTPS", "AUTO_HTTP", "GRPC", "GRPCS").contains(p)) {
          throw new IllegalArgumentException(
              "'" + value + "' is not HTTP, HTTPS, AUTO_HTTP, GRPC, GRPCS or FCGI");
        }
      }
      case "limit-whitelist", "limit-allowlist" -> NginxValues.cidrs(value);
      case "whitelist-source-range", "allowlist-source-range", "denylist-source-range" -> {
        try {
          NginxValues.cidrs(value);
        } catch (IllegalArgumentException ex) {
          return Check.deny(ex.getMessage() + "; every path answers 503 (the location is denied)");
        }
      }
      case "auth-type" -> {
        String t = value.trim().toLowerCase(Locale.ROOT);
        if (!t.equals("basic")) {
          return Check.deny(
              "auth-type '" + value + "' cannot be checked (only basic); every path answers 503");
        }
      }
      case "auth-secret", "proxy-ssl-secret", "auth-tls-secret" -> {
        if (!local(value, namespace)) {
          return Check.deny(
              "'" + value + "' is not a Secret of this namespace; every path answers 503");
        }
      }
      case "custom-headers", "auth-proxy-set-headers" -> {
        if (!local(value, namespace)) {
          return Check.deny(
              "'" + value + "' is not a ConfigMap of this namespace; every path answers 503");
        }
      }
      case "load-balance" -> NginxValues.loadBalance(value);
      case "affinity-canary-behavior" -> {
        if (!value.trim().equals("sticky") && !value.trim().equals("legacy")) {
          throw new IllegalArgumentException("'" + value + "' is not sticky or legacy");
        }
      }
      case "auth-tls-verify-client" -> {
        if (!List.of("on", "off", "optional", "optional_no_ca").contains(value.trim())) {
          throw new IllegalArgumentException(
              "'" + value + "' is not on, off, optional or optional_no_ca");
        }
      }
      case "auth-tls-verify-depth" -> {
        long d = NginxValues.positiveInt(value);
        if (d > 10) {
          throw new IllegalArgumentException("'" + value + "' is not 1 to 10");
        }
      }
      case "auth-tls-error-page" -> NginxValues.url(value);
      case "auth-tls-match-cn" -> {
        String p = PathRegexes.headerProblem(value);
        if (p != null) {
          throw new IllegalArgumentException(p);
        }
      }
      case "proxy-ssl-name" -> {
        if (!value.trim().matches("[A-Za-z0-9.-]{1,253}")) {
          throw new IllegalArgumentException("'" + value + "' is not a host name");
        }
      }
      case "proxy-ssl-protocols" -> {
        List<String> known = List.of("SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");
        List<String> parts = List.of(value.trim().split("\\s+"));
        if (!known.containsAll(parts) || !parts.contains("TLSv1.2") && !parts.contains("TLSv1.3")) {
          throw new IllegalArgumentException(
              "'" + value + "' names no protocol Aralez speaks (TLSv1.2, TLSv1.3)");
        }
      }
      case "proxy-ssl-ciphers" -> {
        if (!value.trim().matches("[A-Za-z0-9_+!@=.:,\\s-]{1,2048}")) {
          throw new IllegalArgumentException("'" + value + "' is not an OpenSSL cipher list");
        }
      }
      case "proxy-ssl-verify-depth" -> {
        long d = NginxValues.positiveInt(value);
        if (d > 10) {
          throw new IllegalArgumentException("'" + value + "' is not 1 to 10");
        }
      }
      case "auth-secret-type" -> {
        if (!value.trim().equals("auth-file") && !value.trim().equals("auth-map")) {
          return Check.deny("'" + value + "' is not auth-file or auth-map; every path answers 503");
        }
      }
      case "auth-url" -> {
        try {
          NginxValues.url(value);
        } catch (IllegalArgumentException ex) {
          return Check.deny(ex.getMessage() + "; every path answers 503 (the location is denied)");
        }
      }
      case "auth-signin" -> NginxValues.url(value.replace("$host", "host"));
      case "auth-signin-redirect-param" -> {
        if (!value.trim().matches("[A-Za-z0-9_.-]{1,64}")) {
          throw new IllegalArgumentException("'" + value + "' is not a plain parameter name");
        }
      }
      case "auth-response-headers" -> NginxValues.headerList(value);
      case "auth-method" -> {
        if (!value.trim().matches("GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS")) {
          throw new IllegalArgumentException("'" + value + "' is not an HTTP method");
        }
      }
      case "auth-request-redirect" -> {
        if (value.isEmpty() || value.chars().anyMatch(c -> c < ' ' || c >= 0x7f)) {
          throw new IllegalArgumentException("the value is empty or has control characters");
        }
      }
      case "affinity-mode" -> {
        if (!value.trim().matches("balanced|persistent")) {
          throw new IllegalArgumentException("'" + value + "' is not balanced or persistent");
        }
      }
      case "canary" -> NginxValues.bool(value);
      case "canary-by-header", "canary-by-cookie" -> {
        if (!value.trim().matches("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,256}")) {
          throw new IllegalArgumentException("'" + value + "' is not a header or cookie name");
        }
      }
      case "canary-by-header-value" -> {
        if (value.isEmpty() || value.chars().anyMatch(c -> c < ' ' || c >= 0x7f)) {
          throw new IllegalArgumentException("the value is empty or has control characters");
        }
      }
      case "canary-by-header-pattern" -> {
        String problem = io.aralez.common.values.PathRegexes.headerProblem(value);
        if (problem != null) {
          throw new IllegalArgumentException(problem);
        }
      }
      case "canary-weight", "canary-weight-total" -> {
        String t = value.trim();
        if (!t.matches("\\d{1,9}")) {
          throw new IllegalArgumentException("'" + value + "' is not a whole number");
        }
      }
      case "session-cookie-name" -> {
        if (!value.trim().matches("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}")) {
          throw new IllegalArgumentException("'" + value + "' is not a cookie name");
        }
      }
      case "session-cookie-path" -> NginxValues.path(value);
      case "server-alias" -> aliases(value);
      case "satisfy" -> {
        if (!value.trim().equals("any") && !value.trim().equals("all")) {
          throw new IllegalArgumentException("'" + value + "' is not all or any");
        }
      }
      case "proxy-redirect-from", "proxy-redirect-to" -> {
        if (value.trim().isEmpty() || value.trim().matches(".*[\\s;\\x00-\\x1f].*")) {
          throw new IllegalArgumentException("'" + value + "' is not a URL prefix");
        }
      }
      case "proxy-cookie-domain", "proxy-cookie-path" -> {
        String t = value.trim();
        if (!t.equals("off") && !t.matches("[^\\s;~]+\\s+[^\\s;]+")) {
          throw new IllegalArgumentException("'" + value + "' is not 'off' or 'from to'");
        }
      }
      case "upstream-hash-by" -> {
        String p = io.aralez.common.values.HashKeys.problem(value.trim());
        if (p != null) {
          throw new IllegalArgumentException(p);
        }
      }
      case "proxy-http-version" -> {
        if (!value.trim().equals("1.1")) {
          throw new IllegalArgumentException(
              "'" + value + "': upstreams are spoken to with HTTP/1.1 (or HTTP/2)");
        }
      }
      case "auth-realm" -> {
        if (value.isEmpty()
            || value.chars().anyMatch(c -> c < ' ' || c >= 0x7f || c == '"' || c == '\\')) {
          throw new IllegalArgumentException("'" + value + "' has quotes or control characters");
        }
      }
      case "proxy-next-upstream-tries" -> NginxValues.positiveInt(value);
      case "proxy-next-upstream-timeout" -> NginxValues.seconds(value);
      case "upstream-hash-by-subset-size" -> {
        if (NginxValues.positiveInt(value) > 100) {
          throw new IllegalArgumentException("'" + value + "' is not 1 to 100");
        }
      }
      case "mirror-target" -> {
        // $request_uri is the one variable a mirror target may use: nothing else is expanded.
        String t = value.trim();
        if (t.replace("$request_uri", "").indexOf('$') >= 0) {
          throw new IllegalArgumentException("only $request_uri is expanded in a mirror target");
        }
        NginxValues.url(t.replace("$request_uri", "/"));
      }
      case "mirror-host" -> {
        if (!value.trim().matches("[A-Za-z0-9.:\\[\\]_-]{1,255}")) {
          throw new IllegalArgumentException("'" + value + "' is not a host name");
        }
      }
      case "proxy-next-upstream" -> {
        for (String w : value.trim().split("\\s+")) {
          if (!List.of(
                  "error",
                  "timeout",
                  "invalid_header",
                  "http_500",
                  "http_502",
                  "http_503",
                  "http_504",
                  "http_403",
                  "http_404",
                  "http_429",
                  "non_idempotent",
                  "off")
              .contains(w)) {
            throw new IllegalArgumentException("'" + w + "' is not a proxy-next-upstream case");
          }
        }
      }
      case "default-backend" -> {
        if (!value.trim().matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
          throw new IllegalArgumentException("'" + value + "' is not a Service name");
        }
      }
      case "session-cookie-domain" -> {
        if (!value.trim().matches("\\.?[A-Za-z0-9.-]{1,253}")) {
          throw new IllegalArgumentException("'" + value + "' is not a domain");
        }
      }
      case "session-cookie-samesite" -> {
        if (!List.of("Strict", "Lax", "None").contains(value.trim())) {
          throw new IllegalArgumentException("'" + value + "' is not Strict, Lax or None");
        }
      }
      case "session-cookie-secure" -> NginxValues.bool(value);
      case "session-cookie-expires" -> NginxValues.positiveInt(value);
      case "affinity" -> {
        if (!value.trim().equals("cookie")) {
          throw new IllegalArgumentException("'" + value + "' is not cookie");
        }
      }
      default -> {}
    }
    return Check.OK;
  }

  /** Lower-case host names, no wildcard but "*.x" of one label. */
  static List<String> aliases(String value) {
    List<String> out = new ArrayList<>();
    for (String a : value.split(",")) {
      String h = a.trim().toLowerCase(Locale.ROOT);
      if (h.isEmpty()) {
        continue;
      }
      if (!h.matches("(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")) {
        throw new IllegalArgumentException("'" + a.trim() + "' is not a host name");
      }
      out.add(h);
    }
    return out;
  }
}
