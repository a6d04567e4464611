package io.aralez.dataplane.source.controller;

import io.aralez.api.v1.StickyCookie;
import io.aralez.dataplane.config.CookieShape;
import io.aralez.dataplane.config.ProxyConfig.StickySessions;
import java.util.List;

/** A snapshot's sticky cookie as the data plane's {@link StickySessions}. Pure. */
final class StickyShapes {
  private static final String TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}";

  private StickyShapes() {}

  static StickySessions sticky(String where, StickyCookie c, List<String> errors) {
    if (!c.getEnabled()) {
      return StickySessions.OFF;
    }
    Long maxAge = c.getMaxAgeSeconds() == 0 ? null : c.getMaxAgeSeconds();
    if (c.getName().isEmpty()) {
      return new StickySessions(true, maxAge);
    }
    if (!c.getName().matches(TOKEN)) {
      errors.add(where + ": '" + c.getName() + "' is not a cookie name");
    }
    String path = c.getPath().isEmpty() ? "/" : c.getPath();
    if (!path.startsWith("/") || !attribute(path)) {
      errors.add(where + ": cookie path '" + path + "' is not a path");
    }
    String domain = c.getDomain().isEmpty() ? null : c.getDomain();
    if (domain != null && !domain.matches("\\.?[A-Za-z0-9.-]{1,253}")) {
      errors.add(where + ": cookie domain '" + domain + "' is not a domain");
    }
    String sameSite =
        switch (c.getSameSite()) {
          case "", "-" -> null;
          case "Strict", "Lax", "None" -> c.getSameSite();
          default -> {
            errors.add(where + ": SameSite '" + c.getSameSite() + "' is not Strict, Lax or None");
            yield null;
          }
        };
    Boolean secure =
        switch (c.getSecure()) {
          case "true" -> Boolean.TRUE;
          case "false" -> Boolean.FALSE;
          default -> null;
        };
    return new StickySessions(
        true,
        maxAge,
        new CookieShape(
            c.getName(),
            path,
            domain,
            sameSite,
            secure,
            c.getExpiresSeconds() == 0 ? null : c.getExpiresSeconds(),
            c.getConditionalSameSiteNone()),
        c.getKeepOnFailure());
  }

  private static boolean attribute(String v) {
    return v.chars().allMatch(ch -> ch > ' ' && ch < 0x7f && ch != ';');
  }
}
