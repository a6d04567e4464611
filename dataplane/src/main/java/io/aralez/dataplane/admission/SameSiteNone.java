package io.aralez.dataplane.admission;

/**
 * Which user agents can be sent {@code SameSite=None}. Chromium's list of incompatible clients
 * (chromium.org, "SameSite=None: Known Incompatible Clients"), matched as ingress-nginx matches it,
 * so a migrated Ingress drops the attribute for exactly the same clients: Chrome 40-69 reject the
 * cookie, and iOS 12 and Safari on macOS 10.14 read {@code None} as {@code Strict}.
 */
final class SameSiteNone {
  private SameSiteNone() {}

  /** Whether {@code userAgent} (null when the request sent none) understands SameSite=None. */
  static boolean understoodBy(String userAgent) {
    if (userAgent == null) {
      return true;
    }
    if (userAgent.contains("Chrome/4")
        || userAgent.contains("Chrome/5")
        || userAgent.contains("Chrome/6")
        || userAgent.contains("CPU iPhone OS 12")
        || userAgent.contains("iPad; CPU OS 12")) {
      return false;
    }
    return !(userAgent.contains("Macintosh")
        && userAgent.contains("Intel Mac OS X 10_14")
        && userAgent.contains("Safari")
        && !userAgent.contains("Chrome"));
  }
}
