package io.aralez.dataplane.request;

/**
 * Path canonicalisation. Routing decides on the canonical form (so an encoded or dotted path cannot
 * reach a route it does not name), while the request line goes upstream unchanged.
 */
public final class Paths {
  private Paths() {}

  /**
   * Normalises a configured prefix: leading '/', repeated slashes merged, no trailing slash (except
   * the root). Returns null for prefixes that are not absolute or contain dot segments, '?' or '#'.
   */
  public static String normalizePrefix(String prefix) {
    String p = prefix.trim();
    if (!p.startsWith("/") || p.indexOf('?') >= 0 || p.indexOf('#') >= 0) {
      return null;
    }
    String c = canonical(p);
    if (c == null || !c.equals(mergeSlashes(p)) && !c.equals(stripTrailing(mergeSlashes(p)))) {
      return null;
    }
    return stripTrailing(c);
  }

  /**
   * The canonical form of a request path (without query): percent-encoded unreserved characters
   * decoded, other escapes upper-cased and kept, "//" merged, "." and ".." segments resolved.
   * Returns null when the path is not origin-form, contains a bad escape, control characters, or
   * climbs above the root.
   */
  public static String canonical(String rawPath) {
    if (rawPath.isEmpty() || rawPath.charAt(0) != '/') {
      return null;
    }
    // Most request paths: nothing to decode, merge or resolve, so no copy.
    return isCanonical(rawPath) ? rawPath : canonicalByParsing(rawPath);
  }

  /** {@link #canonical} without the shortcut, for a path that starts with '/'. */
  static String canonicalByParsing(String rawPath) {
    StringBuilder decoded = new StringBuilder(rawPath.length());
    for (int i = 0; i < rawPath.length(); i++) {
      char c = rawPath.charAt(i);
      if (c == '%') {
        if (i + 2 >= rawPath.length()) {
          return null;
        }
        int hi = Character.digit(rawPath.charAt(i + 1), 16);
        int lo = Character.digit(rawPath.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        char d = (char) (hi * 16 + lo);
        if (isUnreserved(d)) {
          decoded.append(d);
        } else {
          decoded.append('%').append(Character.toUpperCase(rawPath.charAt(i + 1)));
          decoded.append(Character.toUpperCase(rawPath.charAt(i + 2)));
        }
        i += 2;
      } else if (c <= 0x20 || c == 0x7f || c == '\\') {
        return null;
      } else {
        decoded.append(c);
      }
    }
    return removeDotSegments(decoded.toString());
  }

  /**
   * True when {@link #canonical} would return the path unchanged: no escapes, no characters it
   * refuses, no empty segment before the last and no "." or ".." segment.
   */
  private static boolean isCanonical(String path) {
    int n = path.length();
    for (int i = 0; i < n; i++) {
      char c = path.charAt(i);
      if (c == '%' || c <= 0x20 || c >= 0x7f || c == '\\') {
        return false;
      }
      if (c == '/' && i + 1 < n) {
        char next = path.charAt(i + 1);
        if (next == '/') {
          return false;
        }
        if (next == '.') {
          int end = i + 2;
          if (end < n && path.charAt(end) == '.') {
            end++;
          }
          if (end == n || path.charAt(end) == '/') {
            return false;
          }
        }
      }
    }
    return true;
  }

  private static String removeDotSegments(String path) {
    String[] parts = path.split("/", -1);
    StringBuilder out = new StringBuilder(path.length());
    int[] starts = new int[parts.length + 1];
    int depth = 0;
    for (int i = 1; i < parts.length; i++) {
      String seg = parts[i];
      boolean last = i == parts.length - 1;
      if (seg.isEmpty() && !last) {
        continue;
      }
      if (seg.equals(".")) {
        if (last) {
          out.append('/');
        }
        continue;
      }
      if (seg.equals("..")) {
        if (depth == 0) {
          return null;
        }
        depth--;
        out.setLength(starts[depth]);
        if (last) {
          out.append('/');
        }
        continue;
      }
      starts[depth++] = out.length();
      out.append('/').append(seg);
    }
    return out.length() == 0 ? "/" : out.toString();
  }

  private static boolean isUnreserved(char c) {
    return c >= 'a' && c <= 'z'
        || c >= 'A' && c <= 'Z'
        || c >= '0' && c <= '9'
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~';
  }

  private static String mergeSlashes(String p) {
    return p.replaceAll("/{2,}", "/");
  }

  private static String stripTrailing(String p) {
    return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
  }
}
