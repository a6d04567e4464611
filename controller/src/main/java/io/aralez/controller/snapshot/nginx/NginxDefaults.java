package io.aralez.controller.snapshot.nginx;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The global defaults of ingress-nginx's controller ConfigMap that change what clients see, applied
 * to the Ingresses served through an ingress-nginx class. A missing key keeps ingress-nginx's
 * default; an invalid value keeps it too and is reported.
 *
 * @param allowedResponseHeaders the header names custom-headers may add (lower case)
 * @param ewma the ConfigMap's load-balance is ewma
 * @param customHttpErrors upstream statuses replaced by the default backend's answer on every
 *     location without its own custom-http-errors
 * @param problems invalid values, each naming its key
 * @param ignored keys of the ConfigMap that Aralez does not apply
 * @param sendTimeoutSeconds proxy-send-timeout
 * @param relativeRedirects redirects that are paths are not made absolute
 */
public record NginxDefaults(
    boolean sslRedirect,
    int httpRedirectCode,
    String hsts,
    long bodySize,
    long connectTimeoutSeconds,
    long readTimeoutSeconds,
    int limitReqStatus,
    List<String> allowList,
    List<String> denyList,
    String globalAuthUrl,
    String globalAuthSignin,
    String globalAuthResponseHeaders,
    List<String> allowedResponseHeaders,
    boolean ewma,
    List<Integer> customHttpErrors,
    List<String> problems,
    List<String> ignored,
    long sendTimeoutSeconds,
    boolean relativeRedirects) {

  /** ingress-nginx's own defaults (no ConfigMap, or an empty one). */
  public static final NginxDefaults INGRESS_NGINX = of(Map.of());

  private static final Set<String> APPLIED =
      Set.of(
          "ssl-redirect",
          "http-redirect-code",
          "hsts",
          "hsts-max-age",
          "hsts-include-subdomains",
          "hsts-preload",
          "proxy-body-size",
          "proxy-connect-timeout",
          "proxy-read-timeout",
          "proxy-send-timeout",
          "relative-redirects",
          "limit-req-status-code",
          "whitelist-source-range",
          "allowlist-source-range",
          "denylist-source-range",
          "global-auth-url",
          "global-auth-signin",
          "global-auth-response-headers",
          "global-allowed-response-headers",
          "custom-http-errors",
          "load-balance",
          // Already how Aralez behaves, so honoured as they stand at their defaults.
          "allow-snippet-annotations",
          "annotations-risk-level");

  public NginxDefaults {
    allowList = List.copyOf(allowList);
    denyList = List.copyOf(denyList);
    allowedResponseHeaders = List.copyOf(allowedResponseHeaders);
    customHttpErrors = List.copyOf(customHttpErrors);
    problems = List.copyOf(problems);
    ignored = List.copyOf(ignored);
  }

  /** The defaults from a ConfigMap's {@code data}. */
  public static NginxDefaults of(Map<String, String> data) {
    Map<String, String> d = new TreeMap<>(data == null ? Map.of() : data);
    List<String> problems = new ArrayList<>();
    List<String> ignored = new ArrayList<>();
    for (String k : d.keySet()) {
      if (!APPLIED.contains(k)) {
        ignored.add(k);
      }
    }
    Parse p = new Parse(d, problems);
    boolean ssl = p.get("ssl-redirect", true, NginxValues::bool);
    int code = NginxValues.code(d.getOrDefault("http-redirect-code", "308"), 301, 308, 308);
    if (code != 301 && code != 302 && code != 307 && code != 308) {
      problems.add(
          "http-redirect-code: '" + d.get("http-redirect-code") + "' is not 301, 302, 307 or 308");
      code = 308;
    }
    String hsts = null;
    if (p.get("hsts", true, NginxValues::bool)) {
      long maxAge = p.get("hsts-max-age", 31536000L, NginxValues::seconds);
      StringBuilder v = new StringBuilder("max-age=").append(maxAge);
      if (p.get("hsts-include-subdomains", true, NginxValues::bool)) {
        v.append("; includeSubDomains");
      }
      if (p.get("hsts-preload", false, NginxValues::bool)) {
        v.append("; preload");
      }
      hsts = v.toString();
    }
    long body = p.get("proxy-body-size", 1L << 20, NginxValues::size);
    long connect = p.get("proxy-connect-timeout", 5L, NginxValues::timeout);
    long read = p.get("proxy-read-timeout", 60L, NginxValues::timeout);
    int limitStatus =
        p.get(
            "limit-req-status-code",
            503,
            v -> {
              int c = Integer.parseInt(v.trim());
              if (c < 400 || c > 599) {
                throw new IllegalArgumentException("'" + v + "' is not a 4xx or 5xx status");
              }
              return c;
            });
    String allowKey =
        d.containsKey("allowlist-source-range")
            ? "allowlist-source-range"
            : "whitelist-source-range";
    List<String> allow = p.get(allowKey, List.of(), NginxValues::cidrs);
    List<String> deny = p.get("denylist-source-range", List.of(), NginxValues::cidrs);
    String authUrl = p.get("global-auth-url", null, NginxValues::url);
    String authSignin =
        p.get(
            "global-auth-signin",
            null,
            v -> NginxValues.url(v.replace("$host", "host")) == null ? null : v.trim());
    String authHeaders = p.get("global-auth-response-headers", null, NginxValues::headerList);
    return new NginxDefaults(
        ssl,
        code,
        hsts,
        body,
        connect,
        read,
        limitStatus,
        allow,
        deny,
        authUrl,
        authSignin,
        authHeaders,
        java.util.Arrays.stream(
                p.get("global-allowed-response-headers", "", NginxValues::headerList).split(","))
            .map(h -> h.trim().toLowerCase(java.util.Locale.ROOT))
            .filter(h -> !h.isEmpty())
            .toList(),
        p.get("load-balance", false, NginxValues::loadBalance),
        p.get("custom-http-errors", List.of(), NginxValues::errorCodes),
        problems,
        ignored,
        p.get("proxy-send-timeout", 60L, NginxValues::timeout),
        p.get("relative-redirects", false, NginxValues::bool));
  }

  private record Parse(Map<String, String> data, List<String> problems) {
    <T> T get(String key, T fallback, java.util.function.Function<String, T> parser) {
      String v = data.get(key);
      if (v == null) {
        return fallback;
      }
      try {
        return parser.apply(v);
      } catch (IllegalArgumentException e) {
        problems.add(key + ": " + e.getMessage() + "; the default applies");
        return fallback;
      }
    }
  }
}
