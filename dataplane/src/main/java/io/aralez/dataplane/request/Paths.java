package io.aralez.dataplane.request;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * Path canonicalisation. Routing decides on the canonical form (so an encoded or dotted path cannot
 * reach a route it does not name), while the request line goes upstream unchanged. Because the
 * backend reads the raw line, {@link #backendReading} gives the other way a backend may read it;
 * admission refuses a path whose two readings reach different routes.
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
        int hi = hex(rawPath.charAt(i + 1));
        int lo = hex(rawPath.charAt(i + 2));
        if (hi < 0 || lo < 0) {
          return null;
        }
        char d = (char) (hi * 16 + lo);
        if (d < 0x20 || d == 0x7f) {
          // An encoded NUL or control character: "/admin%00.css" is "/admin" to a C backend.
          return null;
        }
        if (d >= 0x80) {
          int end = utf8Run(rawPath, i);
          if (end < 0) {
            // Overlong or broken UTF-8 ("%c0%ae" is '.' to lenient decoders).
            return null;
          }
          decoded.append(rawPath, i, end);
          upperEscapes(decoded, decoded.length() - (end - i));
          i = end - 1;
          continue;
        }
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
   * The path as a backend that decodes {@code %2F} and {@code %5C} to slashes and drops {@code
   * ;parameters} from each segment (Tomcat, many frameworks) would read it, canonicalised. Returns
   * {@code canonical} itself when the raw path holds none of these, and null when that reading
   * climbs above the root or is otherwise refused.
   */
  public static String backendReading(String rawPath, String canonical) {
    if (rawPath.indexOf(';') < 0 && !hasEncodedSlash(rawPath)) {
      return canonical;
    }
    StringBuilder b = new StringBuilder(rawPath.length());
    boolean inParams = false;
    for (int i = 0; i < rawPath.length(); i++) {
      char c = rawPath.charAt(i);
      boolean slash =
          c == '/'
              || c == '%'
                  && i + 2 < rawPath.length()
                  && (rawPath.charAt(i + 1) == '2' && (rawPath.charAt(i + 2) | 0x20) == 'f'
                      || rawPath.charAt(i + 1) == '5' && (rawPath.charAt(i + 2) | 0x20) == 'c');
      if (slash) {
        b.append('/');
        inParams = false;
        if (c == '%') {
          i += 2;
        }
      } else if (c == ';') {
        inParams = true;
      } else if (!inParams) {
        b.append(c);
      }
    }
    return canonicalByParsing(b.toString());
  }

  private static boolean hasEncodedSlash(String rawPath) {
    for (int i = rawPath.indexOf('%'); i >= 0 && i + 2 < rawPath.length(); ) {
      char a = rawPath.charAt(i + 1);
      char z = (char) (rawPath.charAt(i + 2) | 0x20);
      if (a == '2' && z == 'f' || a == '5' && z == 'c') {
        return true;
      }
      i = rawPath.indexOf('%', i + 1);
    }
    return false;
  }

  /**
   * The end of the run of escapes starting at {@code start} whose bytes are all non-ASCII, or -1
   * when those bytes are not well-formed UTF-8 (the JDK decoder refuses overlong forms and
   * surrogates).
   */
  private static int utf8Run(String raw, int start) {
    int end = start;
    byte[] bytes = new byte[(raw.length() - start) / 3];
    int n = 0;
    while (end + 2 < raw.length() && raw.charAt(end) == '%') {
      int hi = hex(raw.charAt(end + 1));
      int lo = hex(raw.charAt(end + 2));
      if (hi < 8 || lo < 0) {
        break;
      }
      bytes[n++] = (byte) (hi * 16 + lo);
      end += 3;
    }
    try {
      StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes, 0, n));
      return end;
    } catch (CharacterCodingException e) {
      return -1;
    }
  }

  /**
   * An ASCII hex digit's value, or -1 ({@link Character#digit} also takes other scripts' digits).
   */
  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    char l = (char) (c | 0x20);
    return l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
  }

  private static void upperEscapes(StringBuilder b, int from) {
    for (int i = from; i < b.length(); i++) {
      b.setCharAt(i, Character.toUpperCase(b.charAt(i)));
    }
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
