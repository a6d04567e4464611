package io.aralez.dataplane.config;

import io.aralez.common.values.HttpUrls;
import io.aralez.common.values.PathRegexes;
import java.util.List;

/** The validator's part for {@link RouteRules}: values a route could not enforce as written. */
final class RouteRulesCheck {
  private RouteRulesCheck() {}

  static void check(String where, ProxyConfig.Route r, List<String> out) {
    if (r.match().regex() != null) {
      String p = PathRegexes.problem(r.match().regex());
      if (p != null) {
        out.add(where + ": " + p);
      }
    }
    RouteRules rules = r.rules();
    if (rules.isEmpty()) {
      return;
    }
    if (rules.rewrite() != null) {
      String p = PathRegexes.targetProblem(rules.rewrite());
      if (p != null) {
        out.add(where + ": " + p);
      }
    }
    if (rules.redirect() != null) {
      var fixed = rules.redirect();
      // $scheme and $request_uri are filled in per request; nothing else may vary.
      String sample = fixed.location().replace("$scheme", "https").replace("$request_uri", "/");
      if (sample.indexOf('$') >= 0 || !HttpUrls.absolute(sample) && !plainPath(sample)) {
        out.add(where + ": redirect location '" + fixed.location() + "' is not a URL or path");
      }
      if (fixed.code() < 300 || fixed.code() > 308) {
        out.add(where + ": redirect code " + fixed.code() + " is not 300 to 308");
      }
    }
    var rate = rules.nginxRate();
    if (rate != null
        && (rate.perSecond() < 0
            || rate.perMinute() < 0
            || rate.perSecond() + rate.perMinute() == 0
            || rate.burstMultiplier() < 1)) {
      out.add(where + ": nginx rate limit needs a rate and a burst multiplier of at least 1");
    }
    if (rules.mirror() != null) {
      var m = rules.mirror();
      if (!HttpUrls.absolute(m.target().replace("$request_uri", "/"))
          || m.target().replace("$request_uri", "").indexOf('$') >= 0) {
        out.add(where + ": mirror target '" + m.target() + "' is not an http(s) URL");
      }
      if (m.host() != null && !m.host().matches("[A-Za-z0-9.:\\[\\]_-]{1,255}")) {
        out.add(where + ": mirror host '" + m.host() + "' is not a host name");
      }
    }
    if (rules.appRoot() != null && !plainPath(rules.appRoot())) {
      out.add(where + ": app root '" + rules.appRoot() + "' is not a path");
    }
    if (rules.upstreamHost() != null
        && !rules.upstreamHost().matches("[A-Za-z0-9.:\\[\\]_-]{1,255}")) {
      out.add(where + ": upstream host '" + rules.upstreamHost() + "' is not a host name");
    }
    if (rules.authRealm() != null
        && (!printable(rules.authRealm()) || rules.authRealm().matches(".*[\"\\\\].*"))) {
      out.add(where + ": auth realm has quotes, backslashes or control characters");
    }
    if (rules.hashBy() != null) {
      String p = io.aralez.common.values.HashKeys.problem(rules.hashBy());
      if (p != null) {
        out.add(where + ": " + p);
      }
    }
    if (rules.responseRewrite() != null) {
      var rw = rules.responseRewrite();
      for (String v :
          new String[] {
            rw.locationFrom(),
            rw.locationTo(),
            rw.cookieDomainFrom(),
            rw.cookieDomainTo(),
            rw.cookiePathFrom(),
            rw.cookiePathTo()
          }) {
        if (v != null && (!printable(v) || v.indexOf(';') >= 0 || v.indexOf(' ') >= 0)) {
          out.add(where + ": a response rewrite has spaces, ';' or control characters");
        }
      }
    }
    if (rules.hsts() != null && !printable(rules.hsts())) {
      out.add(where + ": HSTS value has control characters");
    }
    if (rules.forwardedPrefix() != null && !printable(rules.forwardedPrefix())) {
      out.add(where + ": X-Forwarded-Prefix has control characters");
    }
    if (rules.rateLimitStatus() < 400 || rules.rateLimitStatus() > 599) {
      out.add(where + ": rate-limit status " + rules.rateLimitStatus() + " is not 4xx or 5xx");
    }
    if (rules.externalAuth() != null) {
      var ea = rules.externalAuth();
      if (ea.signinUrl() != null && !HttpUrls.absolute(ea.signinUrl().replace("$host", "h"))) {
        out.add(where + ": sign-in URL '" + ea.signinUrl() + "' is not an http(s) URL");
      }
      if (!ea.redirectParam().matches("[A-Za-z0-9_.-]{1,64}")) {
        out.add(where + ": redirect parameter '" + ea.redirectParam() + "' is not a plain name");
      }
      if (ea.method() != null && !ea.method().matches("GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS")) {
        out.add(where + ": auth method '" + ea.method() + "' is not an HTTP method");
      }
      if (ea.requestRedirect() != null && !printable(ea.requestRedirect())) {
        out.add(where + ": auth request redirect has control characters");
      }
      for (String h : ea.responseHeaders()) {
        if (!io.aralez.common.values.HeaderRules.validName(h)) {
          out.add(where + ": '" + h + "' is not a header name");
        }
      }
    }
    if (rules.cors() != null) {
      var c = rules.cors();
      for (String v : new String[] {c.allowMethods(), c.allowHeaders(), c.exposeHeaders()}) {
        if (v != null && !v.matches("[A-Za-z0-9_, *-]*")) {
          out.add(where + ": CORS list '" + v + "' has characters other than tokens and commas");
        }
      }
    }
  }

  private static boolean plainPath(String s) {
    return s.startsWith("/") && !s.startsWith("//") && printable(s) && s.indexOf(' ') < 0;
  }

  private static boolean printable(String s) {
    return s.chars().allMatch(c -> c >= ' ' && c < 0x7f);
  }
}
