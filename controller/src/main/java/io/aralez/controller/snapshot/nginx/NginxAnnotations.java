package io.aralez.controller.snapshot.nginx;

import io.aralez.api.v1.RouteRules;
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

  private NginxAnnotations() {}

  /**
   * @param settings the annotation prefix, and whether ssl-passthrough may be honoured
   * @param namespace the Ingress's namespace (auth Secrets must be in it)
   * @param defaults the ConfigMap defaults for an Ingress claimed through an ingress-nginx class,
   *     or null for one of our own class (only what its annotations say applies)
   * @param globalDefaultBackend the controller has a default backend for custom-http-errors ({@code
   *     --default-backend-service})
   */
  public static NginxResult parse(
      Map<String, String> annotations,
      NginxSettings settings,
      String namespace,
      NginxDefaults defaults,
      boolean globalDefaultBackend) {
    Draft d = new Draft(settings.prefix() + "/");
    d.globalDefaultBackend = globalDefaultBackend;
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
    if (d.flag("ssl-passthrough") && !settings.sslPassthrough()) {
      d.ignoredWithout("ssl-passthrough", "needs the controller flag --enable-ssl-passthrough");
      d.v.remove("ssl-passthrough");
    }
    return d.build(defaults);
  }

  private static final class Draft {
    final String prefix;
    final List<KeyOutcome> keys = new ArrayList<>();
    final Map<String, String> v = new TreeMap<>();
    boolean denied;
    boolean globalDefaultBackend;
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
            ValueChecks.Check c = ValueChecks.check(name, value, namespace);
            if (c.fcgi()) {
              fcgi = "FastCGI backends are not supported";
            }
            if (c.denial() != null) {
              denied = true;
              keys.add(new KeyOutcome(key, Outcome.INVALID, c.denial()));
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
      if (!rules.getRedirectLocation().isEmpty()) {
        boolean relative =
            v.containsKey("relative-redirects")
                ? flag("relative-redirects")
                : defaults != null && defaults.relativeRedirects();
        rules.setRedirectLocationAbsolute(!relative);
      } else if (v.containsKey("relative-redirects")) {
        downgrade(
            "relative-redirects",
            Outcome.IGNORED,
            "has no effect without permanent-redirect or temporal-redirect");
      }
      errorPages(rules, defaults);
      if (v.containsKey("mirror-target")) {
        var m =
            io.aralez.api.v1.Mirror.newBuilder()
                .setTarget(v.get("mirror-target").trim())
                .setRequestBody(
                    !v.containsKey("mirror-request-body") || flag("mirror-request-body"));
        if (v.containsKey("mirror-host")) {
          m.setHost(v.get("mirror-host").trim());
        }
        rules.setMirror(m);
      } else {
        for (String k : List.of("mirror-host", "mirror-request-body")) {
          if (v.containsKey(k)) {
            ignoredWithout(k, "has no effect without mirror-target");
          }
        }
      }
      if (v.containsKey("app-root")) {
        rules.setAppRoot(v.get("app-root"));
      }
      io.aralez.api.v1.ResponseRewrite rw = RuleParts.responseRewrite(v);
      if (rw != null) {
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
        if (flag("upstream-hash-by-subset")) {
          rules.setHashSubsetSize(
              v.containsKey("upstream-hash-by-subset-size")
                  ? (int) NginxValues.positiveInt(v.get("upstream-hash-by-subset-size"))
                  : 3);
        }
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
        rules.setCors(RuleParts.cors(v, this::partially));
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
      if (v.containsKey("limit-rps") || v.containsKey("limit-rpm")) {
        long perSecond =
            v.containsKey("limit-rps") ? NginxValues.positiveInt(v.get("limit-rps")) : 0;
        long perMinute =
            v.containsKey("limit-rpm") ? NginxValues.positiveInt(v.get("limit-rpm")) : 0;
        rules.setNginxRateLimit(
            io.aralez.api.v1.NginxRateLimit.newBuilder()
                .setRps((int) perSecond)
                .setRpm((int) perMinute)
                .setBurstMultiplier(
                    v.containsKey("limit-burst-multiplier")
                        ? (int)
                            Math.max(1, NginxValues.positiveInt(v.get("limit-burst-multiplier")))
                        : 5));
        // For a data plane that predates nginx_rate_limit: Aralez's own limiter, near enough.
        rps = perSecond > 0 ? perSecond : Math.max(1, perMinute / 60);
      } else if (v.containsKey("limit-burst-multiplier")) {
        downgrade(
            "limit-burst-multiplier",
            Outcome.IGNORED,
            "has no effect without limit-rps or limit-rpm");
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
        rules.setHttpsRedirectExplicitPort(flag("use-port-in-redirects"));
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
      AuthParts.Auth auth =
          AuthParts.read(
              v, defaults, rules, (name, message) -> downgrade(name, Outcome.INVALID, message));
      denied |= auth.denied();
      Long sticky = null;
      if (v.containsKey("affinity")) {
        sticky =
            v.containsKey("session-cookie-max-age")
                ? NginxValues.positiveInt(v.get("session-cookie-max-age"))
                : 0L;
      }
      NginxResult.Canary canary = RuleParts.canary(v, flag("canary"), this::ignoredWithout);
      io.aralez.api.v1.StickyCookie shape =
          sticky == null
              ? RuleParts.noCookie(v, this::ignoredWithout)
              : RuleParts.cookie(v, flag("session-cookie-secure"));
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
          RuleParts.attempts(v, defaults),
          rps,
          auth.type(),
          auth.secret(),
          auth.url(),
          sticky,
          rules.build(),
          canary,
          shape,
          v.containsKey("server-alias") ? ValueChecks.aliases(v.get("server-alias")) : List.of(),
          v.get("default-backend"),
          flag("service-upstream"),
          flag("from-to-www-redirect"),
          TlsParts.upstreamTls(v, this::ignoredWithout, this::partially),
          TlsParts.clientCerts(v, this::ignoredWithout),
          v.containsKey("custom-headers")
              ? new NginxResult.CustomHeaders(
                  TlsParts.localName(v.get("custom-headers")),
                  defaults == null ? null : defaults.allowedResponseHeaders())
              : null,
          v.containsKey("auth-url") ? TlsParts.localName(v.get("auth-proxy-set-headers")) : null,
          RuleParts.nextUpstream(v),
          flag("ssl-passthrough"),
          v.containsKey("load-balance")
              ? NginxValues.loadBalance(v.get("load-balance"))
              : defaults != null && defaults.ewma(),
          millis("proxy-send-timeout", defaults, NginxDefaults::sendTimeoutSeconds));
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

    /**
     * custom-http-errors (the annotation, else the ConfigMap's list): the Ingress's default-backend
     * answers instead, else the controller's {@code --default-backend-service}.
     */
    private void errorPages(RouteRules.Builder rules, NginxDefaults defaults) {
      boolean own = v.containsKey("custom-http-errors");
      List<Integer> codes =
          own
              ? NginxValues.errorCodes(v.get("custom-http-errors"))
              : defaults == null ? List.of() : defaults.customHttpErrors();
      if (codes.isEmpty()) {
        if (v.containsKey("disable-proxy-intercept-errors")) {
          ignoredWithout(
              "disable-proxy-intercept-errors",
              "has no effect without custom-http-errors (here or in the ConfigMap)");
        }
        return;
      }
      if (flag("disable-proxy-intercept-errors")) {
        if (own) {
          ignoredWithout("custom-http-errors", "disable-proxy-intercept-errors is true");
        }
      } else if (!v.containsKey("default-backend") && !globalDefaultBackend) {
        if (own) {
          ignoredWithout(
              "custom-http-errors",
              "needs default-backend on the Ingress or the controller's --default-backend-service");
        }
      } else {
        rules.addAllInterceptCodes(codes);
      }
    }

    private void ignoredWithout(String name, String message) {
      downgrade(name, Outcome.IGNORED, message);
    }

    private void partially(String name, String message) {
      downgrade(name, Outcome.PARTIAL, message);
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
