package io.aralez.dataplane.source.controller;

import io.aralez.dataplane.config.Cidr;
import io.aralez.dataplane.config.RouteRules;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** A snapshot route's {@code rules} as the data plane's {@link RouteRules}. Pure. */
final class RulesTranslator {
  private RulesTranslator() {}

  static RouteRules rules(String where, io.aralez.api.v1.RouteRules r, List<String> errors) {
    if (r.equals(io.aralez.api.v1.RouteRules.getDefaultInstance())) {
      return RouteRules.NONE;
    }
    RouteRules.FixedRedirect redirect =
        r.getRedirectLocation().isEmpty()
            ? null
            : new RouteRules.FixedRedirect(
                r.getRedirectLocation(),
                r.getRedirectLocationCode() == 0 ? 301 : r.getRedirectLocationCode(),
                r.getRedirectLocationWithPort(),
                r.getRedirectLocationAbsolute());
    RouteRules.SourceAccess access = null;
    if (r.getDenySourcesCount() > 0 || r.getAllowSourcesCount() > 0) {
      access =
          new RouteRules.SourceAccess(
              cidrs(where, r.getDenySourcesList(), errors),
              cidrs(where, r.getAllowSourcesList(), errors));
    }
    RouteRules.Cors cors = null;
    if (r.hasCors()) {
      var c = r.getCors();
      boolean any = c.getAllowOriginsList().contains("*") || c.getAllowOriginsCount() == 0;
      List<Pattern> origins = new ArrayList<>();
      if (!any) {
        for (String o : c.getAllowOriginsList()) {
          try {
            origins.add(RouteRules.Cors.origin(o));
          } catch (IllegalArgumentException e) {
            errors.add(where + ": " + e.getMessage());
          }
        }
      }
      cors =
          new RouteRules.Cors(
              any,
              origins,
              c.getAllowMethods(),
              c.getAllowHeaders(),
              c.getExposeHeaders(),
              c.getAllowCredentials(),
              c.getMaxAgeSeconds());
    }
    return new RouteRules(
        blankToNull(r.getRewriteTarget()),
        blankToNull(r.getForwardedPrefix()),
        redirect,
        blankToNull(r.getAppRoot()),
        r.getMaxBodyBytes() == 0 ? -1 : r.getMaxBodyBytes(),
        blankToNull(r.getUpstreamHost()),
        access,
        cors,
        blankToNull(r.getHsts()),
        r.getRateLimitStatus() == 0 ? 429 : r.getRateLimitStatus(),
        new RouteRules.HttpsRedirect(
            r.getHttpsRedirectStripSlash(), r.getHttpsRedirectExplicitPort()),
        r.hasExternalAuth()
            ? new RouteRules.ExternalAuth(
                blankToNull(r.getExternalAuth().getSigninUrl()),
                r.getExternalAuth().getRedirectParam().isEmpty()
                    ? "rd"
                    : r.getExternalAuth().getRedirectParam(),
                r.getExternalAuth().getResponseHeadersList(),
                blankToNull(r.getExternalAuth().getMethod()),
                blankToNull(r.getExternalAuth().getRequestRedirect()),
                r.getExternalAuth().getAlwaysSetCookie(),
                r.getExternalAuth().getRequestHeadersList().stream()
                    .map(
                        h ->
                            new io.aralez.dataplane.config.ProxyConfig.Header(
                                h.getName(), h.getValue()))
                    .toList())
            : null,
        cidrs(where, r.getLimitExemptSourcesList(), errors),
        r.getMaxConcurrentPerClient(),
        blankToNull(r.getAuthRealm()),
        blankToNull(r.getHashBy()),
        r.getNoAccessLog(),
        r.hasResponseRewrite()
            ? new RouteRules.ResponseRewrite(
                blankToNull(r.getResponseRewrite().getLocationFrom()),
                r.getResponseRewrite().getLocationTo(),
                blankToNull(r.getResponseRewrite().getCookieDomainFrom()),
                r.getResponseRewrite().getCookieDomainTo(),
                blankToNull(r.getResponseRewrite().getCookiePathFrom()),
                r.getResponseRewrite().getCookiePathTo())
            : null,
        r.getSatisfyAny(),
        errorPages(where, r.getInterceptCodesList(), errors),
        r.hasClientCertificates() ? clientAuth(where, r.getClientCertificates(), errors) : null,
        r.hasMirror()
            ? new RouteRules.Mirror(
                r.getMirror().getTarget(),
                blankToNull(r.getMirror().getHost()),
                r.getMirror().getRequestBody())
            : null,
        r.getHashSubsetSize(),
        r.hasNginxRateLimit()
            ? new RouteRules.NginxRate(
                r.getNginxRateLimit().getRps(),
                r.getNginxRateLimit().getRpm(),
                r.getNginxRateLimit().getBurstMultiplier() == 0
                    ? 5
                    : r.getNginxRateLimit().getBurstMultiplier(),
                blankToNull(r.getNginxRateLimit().getZone()))
            : null);
  }

  private static RouteRules.ClientAuth clientAuth(
      String where, io.aralez.api.v1.ClientCertificates c, List<String> errors) {
    String mode = c.getVerifyClient().isEmpty() ? "on" : c.getVerifyClient();
    if (!List.of("on", "off", "optional", "optional_no_ca").contains(mode)) {
      errors.add(
          where + ": verify_client '" + mode + "' is not on, off, optional or optional_no_ca");
    }
    List<java.security.cert.X509Certificate> cas = List.of();
    try {
      cas = io.aralez.common.pem.PemFiles.certificates("the client CA", c.getCaPem());
    } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
      errors.add(where + ": " + e.getMessage());
    }
    com.google.re2j.Pattern cn = null;
    if (!c.getMatchCn().isEmpty()) {
      try {
        cn = com.google.re2j.Pattern.compile(c.getMatchCn());
      } catch (com.google.re2j.PatternSyntaxException e) {
        errors.add(where + ": match_cn is not an RE2 regex: " + e.getMessage());
      }
    }
    int depth = c.getVerifyDepth() == 0 ? 1 : c.getVerifyDepth();
    if (depth > 10) {
      errors.add(where + ": verify_depth " + depth + " is not 1 to 10");
    }
    return new RouteRules.ClientAuth(
        cas, mode, depth, c.getPassCertificate(), blankToNull(c.getErrorPage()), cn);
  }

  /** The statuses to replace; the error backends are bound with the endpoints. */
  private static RouteRules.ErrorPages errorPages(
      String where, List<Integer> codes, List<String> errors) {
    if (codes.isEmpty()) {
      return null;
    }
    for (int c : codes) {
      if (c < 400 || c > 599) {
        errors.add(where + ": intercepted status " + c + " is not 400 to 599");
      }
    }
    return new RouteRules.ErrorPages(new java.util.HashSet<>(codes), List.of(), List.of());
  }

  private static List<Cidr> cidrs(String where, List<String> list, List<String> errors) {
    List<Cidr> out = new ArrayList<>(list.size());
    for (String s : list) {
      try {
        out.add(Cidr.parse(s));
      } catch (IllegalArgumentException e) {
        errors.add(where + ": " + e.getMessage());
      }
    }
    return out;
  }

  private static String blankToNull(String s) {
    return s.isEmpty() ? null : s;
  }
}
