package io.aralez.controller.snapshot.nginx;

import io.aralez.api.v1.Cors;
import io.aralez.api.v1.RouteRules;
import io.aralez.common.values.PathRegexes;
import io.aralez.controller.snapshot.nginx.NginxResult.KeyOutcome;
import io.aralez.controller.snapshot.nginx.NginxResult.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Processor: the {@code nginx.ingress.kubernetes.io/*} annotations of one Ingress, read with
 * ingress-nginx's semantics. An invalid value is ignored and the default applies, as ingress-nginx
 * does; a reference that cannot be used (an allow list that does not parse, an auth Secret in
 * another namespace, an auth scheme we cannot check) denies the Ingress's paths with 503 rather
 * than leaving them open; configuration text refuses the Ingress. Pure.
 */
public final class NginxAnnotations {
  static final String CORS_METHODS = "GET, PUT, POST, DELETE, PATCH, OPTIONS";
  static final String CORS_HEADERS =
      "DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization";

  private NginxAnnotations() {}

  /**
   * @param prefix the annotation prefix without the slash ({@code nginx.ingress.kubernetes.io})
   * @param namespace the Ingress's namespace (auth Secrets must be in it)
   * @param defaults the ConfigMap defaults for an Ingress claimed through an ingress-nginx class,
   *     or null for one of our own class (only what its annotations say applies)
   */
  public static NginxResult parse(
      Map<String, String> annotations, String prefix, String namespace, NginxDefaults defaults) {
    Draft d = new Draft(prefix + "/");
    Map<String, String> own = new TreeMap<>();
    if (annotations != null) {
      annotations.forEach(
          (k, v) -> {
            if (k.startsWith(d.prefix)) {
              own.put(k.substring(d.prefix.length()), v == null ? "" : v);
            }
          });
    }
    own.forEach((name, value) -> d.read(name, value, namespace));
    return d.build(defaults);
  }

  private static final class Draft {
    final String prefix;
    final List<KeyOutcome> keys = new ArrayList<>();
    final Map<String, String> v = new TreeMap<>();
    boolean denied;
    String fcgi;

    Draft(String prefix) {
      this.prefix = prefix;
    }

    void read(String name, String value, String namespace) {
      Catalogue.Entry e = Catalogue.entry(name);
      String key = prefix + name;
      if (e == null) {
        keys.add(new KeyOutcome(key, Outcome.UNKNOWN, "not an annotation Aralez knows; ignored"));
        return;
      }
      switch (e.support()) {
        case REFUSED -> keys.add(new KeyOutcome(key, Outcome.REFUSED, e.note()));
        case IGNORED -> keys.add(new KeyOutcome(key, Outcome.IGNORED, e.note()));
        default -> {
          try {
            String problem = check(name, value, namespace);
            if (problem != null) {
              keys.add(new KeyOutcome(key, Outcome.INVALID, problem));
            } else {
              v.put(name, value.trim());
              keys.add(
                  new KeyOutcome(
                      key,
                      e.support() == Catalogue.Support.HONOURED
                          ? Outcome.HONOURED
                          : Outcome.PARTIAL,
                      e.note()));
            }
          } catch (IllegalArgumentException ex) {
            keys.add(
                new KeyOutcome(key, Outcome.INVALID, ex.getMessage() + "; the default applies"));
          }
        }
      }
    }

    /**
     * Null when {@code value} is usable; a message when it denies the location; throws to ignore.
     */
    private String check(String name, String value, String namespace) {
      switch (name) {
        case "use-regex",
            "from-to-www-redirect",
            "service-upstream",
            "enable-access-log",
            "enable-global-auth",
            "ssl-redirect",
            "force-ssl-redirect",
            "preserve-trailing-slash",
            "enable-cors",
            "cors-allow-credentials" ->
            NginxValues.bool(value);
        case "proxy-body-size" -> NginxValues.size(value);
        case "proxy-connect-timeout", "proxy-read-timeout", "proxy-send-timeout" ->
            NginxValues.timeout(value);
        case "cors-max-age" -> NginxValues.seconds(value);
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
            fcgi = "FastCGI backends are not supported";
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
            denied = true;
            return ex.getMessage() + "; every path answers 503 (the location is denied)";
          }
        }
        case "auth-type" -> {
          String t = value.trim().toLowerCase(Locale.ROOT);
          if (!t.equals("basic")) {
            denied = true;
            return "auth-type '"
                + value
                + "' cannot be checked (only basic); every path answers 503";
          }
        }
        case "auth-secret" -> {
          String s = value.trim();
          int slash = s.indexOf('/');
          String ns = slash < 0 ? namespace : s.substring(0, slash);
          String n = slash < 0 ? s : s.substring(slash + 1);
          if (!ns.equals(namespace) || !n.matches("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")) {
            denied = true;
            return "'" + value + "' is not a Secret of this namespace; every path answers 503";
          }
        }
        case "auth-secret-type" -> {
          if (!value.trim().equals("auth-file")) {
            denied = true;
            return "only auth-file Secrets are read; every path answers 503";
          }
        }
        case "auth-url" -> {
          try {
            NginxValues.url(value);
          } catch (IllegalArgumentException ex) {
            denied = true;
            return ex.getMessage() + "; every path answers 503 (the location is denied)";
          }
        }
        case "auth-signin" -> NginxValues.url(value.replace("$host", "host"));
        case "auth-signin-redirect-param" -> {
          if (!value.trim().matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new IllegalArgumentException("'" + value + "' is not a plain parameter name");
          }
        }
        case "auth-response-headers" -> NginxValues.headerList(value);
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
      return null;
    }

    /** Lower-case host names, no wildcard but "*.x" of one label. */
    private static List<String> aliases(String value) {
      List<String> out = new ArrayList<>();
      for (String a : value.split(",")) {
        String h = a.trim().toLowerCase(Locale.ROOT);
        if (h.isEmpty()) {
          continue;
        }
        if (!h.matches(
            "(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")) {
          throw new IllegalArgumentException("'" + a.trim() + "' is not a host name");
        }
        out.add(h);
      }
      return out;
    }

    /** "from to", or null for "off" or unset. */
    private static String[] pair(String value) {
      if (value == null || value.trim().equals("off")) {
        return null;
      }
      return value.trim().split("\\s+", 2);
    }

    private boolean flag(String name) {
      return v.containsKey(name) && NginxValues.bool(v.get(name));
    }

    NginxResult build(NginxDefaults defaults) {
      if (fcgi != null) {
        for (int i = 0; i < keys.size(); i++) {
          if (keys.get(i).key().equals(prefix + "backend-protocol")) {
            keys.set(i, new KeyOutcome(prefix + "backend-protocol", Outcome.REFUSED, fcgi));
          }
        }
      }
      RouteRules.Builder rules = RouteRules.newBuilder();
      String rewrite = v.get("rewrite-target");
      boolean regex = flag("use-regex") || rewrite != null;
      if (rewrite != null) {
        rules.setRewriteTarget(rewrite);
        if (v.containsKey("x-forwarded-prefix") && !v.get("x-forwarded-prefix").isEmpty()) {
          rules.setForwardedPrefix(v.get("x-forwarded-prefix"));
        }
      } else if (v.containsKey("x-forwarded-prefix")) {
        downgrade("x-forwarded-prefix", Outcome.IGNORED, "has no effect without rewrite-target");
      }
      if (v.containsKey("temporal-redirect")) {
        rules
            .setRedirectLocation(v.get("temporal-redirect"))
            .setRedirectLocationCode(
                NginxValues.code(v.getOrDefault("temporal-redirect-code", ""), 300, 307, 302));
      } else if (v.containsKey("permanent-redirect")) {
        rules
            .setRedirectLocation(v.get("permanent-redirect"))
            .setRedirectLocationCode(
                NginxValues.code(v.getOrDefault("permanent-redirect-code", ""), 300, 308, 301));
      }
      if (v.containsKey("app-root")) {
        rules.setAppRoot(v.get("app-root"));
      }
      io.aralez.api.v1.ResponseRewrite.Builder rw = io.aralez.api.v1.ResponseRewrite.newBuilder();
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
      String[] cpath = pair(v.get("proxy-cookie-path"));
      if (cpath != null) {
        rw.setCookiePathFrom(cpath[0]).setCookiePathTo(cpath[1]);
      }
      if (!rw.build().equals(io.aralez.api.v1.ResponseRewrite.getDefaultInstance())) {
        rules.setResponseRewrite(rw);
      }
      if ("any".equals(v.get("satisfy"))) {
        rules.setSatisfyAny(true);
      }
      if (v.containsKey("enable-access-log") && !flag("enable-access-log")) {
        rules.setNoAccessLog(true);
      }
      if (v.containsKey("upstream-hash-by")) {
        rules.setHashBy(v.get("upstream-hash-by"));
      }
      long body =
          v.containsKey("proxy-body-size")
              ? NginxValues.size(v.get("proxy-body-size"))
              : defaults == null ? 0 : defaults.bodySize();
      rules.setMaxBodyBytes(body);
      if (v.containsKey("upstream-vhost")) {
        rules.setUpstreamHost(v.get("upstream-vhost"));
      }
      List<String> allow =
          v.containsKey("allowlist-source-range")
              ? NginxValues.cidrs(v.get("allowlist-source-range"))
              : v.containsKey("whitelist-source-range")
                  ? NginxValues.cidrs(v.get("whitelist-source-range"))
                  : defaults == null ? List.of() : defaults.allowList();
      List<String> deny =
          v.containsKey("denylist-source-range")
              ? NginxValues.cidrs(v.get("denylist-source-range"))
              : defaults == null ? List.of() : defaults.denyList();
      rules.addAllAllowSources(allow).addAllDenySources(deny);
      if (flag("enable-cors")) {
        rules.setCors(cors());
      } else {
        for (String k : List.copyOf(v.keySet())) {
          if (k.startsWith("cors-")) {
            downgrade(k, Outcome.IGNORED, "has no effect without enable-cors: \"true\"");
          }
        }
      }
      if (defaults != null && defaults.hsts() != null) {
        rules.setHsts(defaults.hsts());
      }
      Long rps = null;
      if (v.containsKey("limit-rps")) {
        rps = NginxValues.positiveInt(v.get("limit-rps"));
      } else if (v.containsKey("limit-rpm")) {
        rps = Math.max(1, NginxValues.positiveInt(v.get("limit-rpm")) / 60);
      }
      if (v.containsKey("limit-connections")) {
        rules.setMaxConcurrentPerClient((int) NginxValues.positiveInt(v.get("limit-connections")));
      }
      if (rps != null || v.containsKey("limit-connections")) {
        rules.setRateLimitStatus(defaults == null ? 503 : defaults.limitReqStatus());
        String exempt =
            v.containsKey("limit-allowlist") ? v.get("limit-allowlist") : v.get("limit-whitelist");
        if (exempt != null) {
          rules.addAllLimitExemptSources(NginxValues.cidrs(exempt));
        }
      }
      Boolean ssl =
          v.containsKey("ssl-redirect")
              ? (Boolean) flag("ssl-redirect")
              : defaults == null ? null : defaults.sslRedirect();
      boolean force = flag("force-ssl-redirect");
      if (Boolean.TRUE.equals(ssl) || force) {
        rules.setHttpsRedirectStripSlash(!flag("preserve-trailing-slash"));
      }
      Integer code = null;
      if (defaults != null) {
        code = defaults.httpRedirectCode();
      } else if (ssl != null || force) {
        code = 308;
      }
      String protocol = null;
      if (v.containsKey("backend-protocol")) {
        protocol =
            switch (v.get("backend-protocol").toUpperCase(Locale.ROOT)) {
              case "HTTPS" -> "HTTPS";
              case "GRPC" -> "H2C";
              case "GRPCS" -> "H2";
              default -> "HTTP";
            };
      }
      Long connect =
          millis("proxy-connect-timeout", defaults, NginxDefaults::connectTimeoutSeconds);
      Long read = millis("proxy-read-timeout", defaults, NginxDefaults::readTimeoutSeconds);
      String authType = null;
      String authSecret = null;
      String authUrl = null;
      boolean global =
          defaults != null
              && defaults.globalAuthUrl() != null
              && !v.containsKey("auth-url")
              && !v.containsKey("auth-type")
              && (!v.containsKey("enable-global-auth") || flag("enable-global-auth"));
      if (global) {
        // The ConfigMap's global-auth-url guards every location that has no auth of its own.
        v.put("auth-url", defaults.globalAuthUrl());
        if (defaults.globalAuthSignin() != null) {
          v.putIfAbsent("auth-signin", defaults.globalAuthSignin());
        }
        if (defaults.globalAuthResponseHeaders() != null) {
          v.putIfAbsent("auth-response-headers", defaults.globalAuthResponseHeaders());
        }
      }
      if (v.containsKey("auth-url")) {
        authType = "FORWARD";
        authUrl = v.get("auth-url");
        io.aralez.api.v1.ExternalAuth.Builder ea =
            io.aralez.api.v1.ExternalAuth.newBuilder()
                .setRedirectParam(v.getOrDefault("auth-signin-redirect-param", "rd"));
        if (v.containsKey("auth-signin")) {
          ea.setSigninUrl(v.get("auth-signin"));
        }
        if (v.containsKey("auth-response-headers")) {
          for (String h : v.get("auth-response-headers").split(",")) {
            if (!h.isBlank()) {
              ea.addResponseHeaders(h.trim());
            }
          }
        }
        rules.setExternalAuth(ea);
        if (v.containsKey("auth-type")) {
          denied = true;
          downgrade(
              "auth-type",
              Outcome.INVALID,
              "basic and external auth together cannot both be checked; every path answers 503");
        }
      } else if (v.containsKey("auth-type")) {
        authType = "BASIC";
        if (v.containsKey("auth-realm")) {
          rules.setAuthRealm(v.get("auth-realm"));
        }
        String s = v.get("auth-secret");
        if (s == null) {
          denied = true;
          downgrade("auth-type", Outcome.INVALID, "needs auth-secret; every path answers 503");
        } else {
          authSecret = s.substring(s.indexOf('/') + 1);
        }
      }
      Long sticky = null;
      if (v.containsKey("affinity")) {
        sticky =
            v.containsKey("session-cookie-max-age")
                ? NginxValues.positiveInt(v.get("session-cookie-max-age"))
                : 0L;
      }
      NginxResult.Canary canary = null;
      if (flag("canary")) {
        int total = 100;
        if (v.containsKey("canary-weight-total")) {
          // ingress-nginx honours a total only above 100.
          total = Math.max(100, Integer.parseInt(v.get("canary-weight-total")));
        }
        int weight =
            v.containsKey("canary-weight")
                ? Math.min(total, Integer.parseInt(v.get("canary-weight")))
                : 0;
        canary =
            new NginxResult.Canary(
                v.get("canary-by-header"),
                v.containsKey("canary-by-header") ? v.get("canary-by-header-value") : null,
                v.get("canary-by-cookie"),
                weight,
                total);
      } else {
        for (String k : List.copyOf(v.keySet())) {
          if (k.startsWith("canary-")) {
            downgrade(k, Outcome.IGNORED, "has no effect without canary: \"true\"");
          }
        }
      }
      io.aralez.api.v1.StickyCookie shape = null;
      if (sticky != null) {
        io.aralez.api.v1.StickyCookie.Builder c =
            io.aralez.api.v1.StickyCookie.newBuilder()
                .setName(v.getOrDefault("session-cookie-name", "INGRESSCOOKIE"))
                .setPath(v.getOrDefault("session-cookie-path", ""))
                .setDomain(v.getOrDefault("session-cookie-domain", ""))
                // ingress-nginx sends no SameSite unless asked.
                .setSameSite(v.getOrDefault("session-cookie-samesite", "-"));
        if (v.containsKey("session-cookie-secure")) {
          c.setSecure(String.valueOf(flag("session-cookie-secure")));
        }
        if (v.containsKey("session-cookie-expires")) {
          c.setExpiresSeconds(NginxValues.positiveInt(v.get("session-cookie-expires")));
        }
        shape = c.build();
      } else {
        for (String k : List.copyOf(v.keySet())) {
          if (k.startsWith("session-cookie-")) {
            downgrade(k, Outcome.IGNORED, "has no effect without affinity: cookie");
          }
        }
      }
      return new NginxResult(
          keys,
          regex,
          denied,
          ssl,
          force,
          code,
          protocol,
          connect,
          read,
          attempts(defaults),
          rps,
          authType,
          authSecret,
          authUrl,
          sticky,
          rules.build(),
          canary,
          shape,
          v.containsKey("server-alias") ? aliases(v.get("server-alias")) : List.of(),
          v.get("default-backend"),
          flag("service-upstream"),
          flag("from-to-www-redirect"));
    }

    /**
     * Backends tried when connecting fails: proxy-next-upstream-tries (1 to 5), 1 with "off",
     * ingress-nginx's 3 by default on its own classes.
     */
    private Integer attempts(NginxDefaults defaults) {
      String cases = v.getOrDefault("proxy-next-upstream", "error timeout");
      if (cases.contains("off") || !cases.contains("error")) {
        return 1;
      }
      if (v.containsKey("proxy-next-upstream-tries")) {
        return (int) Math.min(5, NginxValues.positiveInt(v.get("proxy-next-upstream-tries")));
      }
      return defaults == null ? null : 3;
    }

    /** A timeout in milliseconds: the annotation's, else the ConfigMap's, else null (0 is none). */
    private Long millis(
        String name,
        NginxDefaults defaults,
        java.util.function.ToLongFunction<NginxDefaults> fallback) {
      long seconds;
      if (v.containsKey(name)) {
        seconds = NginxValues.timeout(v.get(name));
      } else if (defaults != null) {
        seconds = fallback.applyAsLong(defaults);
      } else {
        return null;
      }
      return seconds == 0 ? null : seconds * 1000;
    }

    private Cors cors() {
      Cors.Builder c = Cors.newBuilder();
      String origins = v.getOrDefault("cors-allow-origin", "*");
      List<String> bad = new ArrayList<>();
      for (String o : origins.split(",")) {
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
        downgrade(
            "cors-allow-origin",
            Outcome.PARTIAL,
            "origins left out (not scheme://host[:port]): " + bad);
      }
      if (c.getAllowOriginsList().contains("*") || c.getAllowOriginsCount() == 0) {
        c.clearAllowOrigins().addAllowOrigins("*");
      }
      c.setAllowMethods(v.getOrDefault("cors-allow-methods", CORS_METHODS));
      c.setAllowHeaders(v.getOrDefault("cors-allow-headers", CORS_HEADERS));
      c.setExposeHeaders(v.getOrDefault("cors-expose-headers", ""));
      c.setAllowCredentials(
          !v.containsKey("cors-allow-credentials") || flag("cors-allow-credentials"));
      c.setMaxAgeSeconds(
          (int)
              (v.containsKey("cors-max-age")
                  ? NginxValues.seconds(v.get("cors-max-age"))
                  : 1728000));
      return c.build();
    }

    private void downgrade(String name, Outcome o, String message) {
      String key = prefix + name;
      for (int i = 0; i < keys.size(); i++) {
        if (keys.get(i).key().equals(key)) {
          keys.set(i, new KeyOutcome(key, o, message));
        }
      }
    }
  }
}
