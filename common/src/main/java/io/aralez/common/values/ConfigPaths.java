package io.aralez.common.values;

/**
 * The rule for a path written in config (a route's prefix or exact path), whichever source wrote
 * it: the data plane refuses what the controller would refuse, so the two can never disagree.
 */
public final class ConfigPaths {
  private ConfigPaths() {}

  /**
   * Why {@code path} cannot be a route path, or null when it can: it must start with '/' and hold
   * only RFC 3986 path characters (unreserved, sub-delims but ';', ':', '@', '/', percent escapes).
   * ';' is left out: backends read it as a path parameter, a classic way around path-scoped rules.
   */
  public static String problem(String path) {
    if (path == null || path.isEmpty() || path.charAt(0) != '/') {
      return "path '" + path + "' must start with /";
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (!pathChar(c)) {
        return "path '"
            + path
            + "' holds '"
            + printable(c)
            + "', which is not a URL path character";
      }
      if (c == '%'
          && (i + 2 >= path.length()
              || Character.digit(path.charAt(i + 1), 16) < 0
              || Character.digit(path.charAt(i + 2), 16) < 0)) {
        return "path '" + path + "' has a malformed percent escape";
      }
    }
    return null;
  }

  private static boolean pathChar(char c) {
    return c >= 'a' && c <= 'z'
        || c >= 'A' && c <= 'Z'
        || c >= '0' && c <= '9'
        || "-._~!$&'()*+,=:@/%".indexOf(c) >= 0;
  }

  private static String printable(char c) {
    return c < ' ' || c >= 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c);
  }
}
