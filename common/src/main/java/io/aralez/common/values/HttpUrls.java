package io.aralez.common.values;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** The rule for a URL a config sends clients or requests to (redirects, forward auth). */
public final class HttpUrls {
  private HttpUrls() {}

  /** An absolute http:// or https:// URL with a host, and no spaces or control characters. */
  public static boolean absolute(String s) {
    if (s == null || s.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
      return false;
    }
    try {
      URI u = new URI(s);
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      return (scheme.equals("http") || scheme.equals("https")) && u.getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** A redirect target as routes keep it: {@code url} without a trailing slash. */
  public static String withoutTrailingSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
