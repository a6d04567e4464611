package io.aralez.controller.snapshot;

import io.aralez.api.v1.Cors;
import io.aralez.api.v1.RouteRules;
import io.aralez.controller.crd.AralezRouteSpec;
import io.aralez.controller.snapshot.nginx.NginxValues;

/**
 * Processor: the request-rule fields of an AralezRoute rule (urlRewrite, cors, sourceRanges,
 * maxRequestBodySize, hsts, errorPages), each inherited from {@code spec.defaults} unless the rule
 * sets it. Pure; a bad value throws {@link IllegalArgumentException} and the route is refused.
 */
final class AralezRouteRules {
  private AralezRouteRules() {}

  /**
   * @param prefixOnly whether every match of the rule is a PathPrefix (ReplacePrefixMatch needs it)
   */
  static RouteRules of(
      AralezRouteSpec.Policies rule, AralezRouteSpec.Policies defaults, boolean prefixOnly) {
    AralezRouteSpec.Policies d = defaults == null ? new AralezRouteSpec.Policies() : defaults;
    RouteRules.Builder b = RouteRules.newBuilder();
    AralezRouteSpec.UrlRewrite rw = rule.urlRewrite != null ? rule.urlRewrite : d.urlRewrite;
    if (rw != null) {
      if (rw.hostname != null) {
        b.setUpstreamHost(RuleValues.host(rw.hostname));
      }
      if (rw.path != null) {
        b.setRewriteTarget(target(rw.path, prefixOnly));
      }
    }
    AralezRouteSpec.Cors cors = rule.cors != null ? rule.cors : d.cors;
    if (cors != null) {
      Cors.Builder c = Cors.newBuilder();
      if (cors.allowOrigins != null) {
        c.addAllAllowOrigins(RuleValues.origins(String.join(",", cors.allowOrigins)));
      }
      if (cors.allowMethods != null && !cors.allowMethods.isEmpty()) {
        c.setAllowMethods(NginxValues.methods(String.join(", ", cors.allowMethods)));
      }
      if (cors.allowHeaders != null && !cors.allowHeaders.isEmpty()) {
        c.setAllowHeaders(NginxValues.headerList(String.join(",", cors.allowHeaders)));
      }
      if (cors.exposeHeaders != null && !cors.exposeHeaders.isEmpty()) {
        c.setExposeHeaders(NginxValues.headerList(String.join(",", cors.exposeHeaders)));
      }
      if (cors.maxAge != null) {
        c.setMaxAgeSeconds(cors.maxAge);
      }
      b.setCors(RuleValues.cors(c, cors.allowCredentials));
    }
    AralezRouteSpec.SourceRanges src =
        rule.sourceRanges != null ? rule.sourceRanges : d.sourceRanges;
    if (src != null) {
      if (src.allow != null) {
        b.addAllAllowSources(NginxValues.cidrs(String.join(",", src.allow)));
      }
      if (src.deny != null) {
        b.addAllDenySources(NginxValues.cidrs(String.join(",", src.deny)));
      }
    }
    String size = rule.maxRequestBodySize != null ? rule.maxRequestBodySize : d.maxRequestBodySize;
    if (size != null) {
      b.setMaxBodyBytes(NginxValues.size(size));
    }
    String hsts = rule.hsts != null ? rule.hsts : d.hsts;
    if (hsts != null) {
      b.setHsts(RuleValues.hsts(hsts));
    }
    AralezRouteSpec.ErrorPages pages = errorPages(rule, defaults);
    if (pages != null) {
      for (Integer code : pages.statusCodes) {
        if (code == null || code < 400 || code > 599) {
          throw new IllegalArgumentException(
              "errorPages.statusCodes: " + code + " is not 400 to 599");
        }
      }
      b.addAllInterceptCodes(pages.statusCodes);
    }
    return b.build();
  }

  /** The rule's errorPages, else the defaults', else null. */
  static AralezRouteSpec.ErrorPages errorPages(
      AralezRouteSpec.Policies rule, AralezRouteSpec.Policies defaults) {
    return rule.errorPages != null
        ? rule.errorPages
        : defaults == null ? null : defaults.errorPages;
  }

  /**
   * The data plane's rewrite target: a full path as it is; a prefix replacement followed by the
   * rest of the path ({@code $1}: what follows the matched prefix, see RouteEntry).
   */
  private static String target(AralezRouteSpec.PathRewrite p, boolean prefixOnly) {
    if ("ReplaceFullPath".equals(p.type)) {
      if (p.replaceFullPath == null) {
        throw new IllegalArgumentException("urlRewrite.path ReplaceFullPath needs replaceFullPath");
      }
      return RuleValues.target(p.replaceFullPath);
    }
    if (!"ReplacePrefixMatch".equals(p.type) || p.replacePrefixMatch == null) {
      throw new IllegalArgumentException(
          "urlRewrite.path is ReplaceFullPath with replaceFullPath or ReplacePrefixMatch with"
              + " replacePrefixMatch");
    }
    if (!prefixOnly) {
      throw new IllegalArgumentException("ReplacePrefixMatch needs PathPrefix matches only");
    }
    String r = p.replacePrefixMatch;
    if (r.length() > 1 && r.endsWith("/")) {
      r = r.substring(0, r.length() - 1);
    }
    return RuleValues.target(r + "$1");
  }
}
