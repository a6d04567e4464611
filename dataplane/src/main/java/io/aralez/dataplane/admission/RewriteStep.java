package io.aralez.dataplane.admission;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;

/**
 * {@code rewrite-target}: the whole path sent upstream is replaced by the target, whose {@code
 * $1..$9} are the groups of the route's regex on the request's path (a missing group is empty); the
 * query is kept. A target that is an absolute http(s) URL is a 302 instead.
 */
final class RewriteStep implements AdmissionStep {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  @Override
  public Verdict.Local check(Admitting r) {
    String target = r.route().rules().rewrite();
    if (target == null) {
      return null;
    }
    Pattern regex = r.entry.regex();
    Matcher m = regex == null ? null : regex.matcher(r.target.canonicalPath());
    if (m == null || !m.lookingAt()) {
      return null;
    }
    String path = expand(target, m);
    String query = queryOf(r.uri);
    if (!target.startsWith("/")) {
      return Verdict.Local.of(302, "location", path + query);
    }
    if (path.startsWith("//")) {
      // "/$1" with a group starting with "/": never send a network-path reference upstream.
      path = path.replaceFirst("^/+", "/");
    }
    r.uri = path + (query.isEmpty() || path.indexOf('?') < 0 ? query : "&" + query.substring(1));
    String prefix = r.route().rules().forwardedPrefix();
    if (prefix != null) {
      r.addRequestHeader("x-forwarded-prefix", prefix);
    }
    return null;
  }

  /**
   * The target with its group references replaced (from the canonical path, which already holds
   * valid escapes), percent-encoding what a request target cannot hold.
   */
  static String expand(String target, Matcher m) {
    StringBuilder out = new StringBuilder(target.length() + 32);
    for (int i = 0; i < target.length(); i++) {
      char c = target.charAt(i);
      if (c == '$' && i + 1 < target.length() && Character.isDigit(target.charAt(i + 1))) {
        int group = target.charAt(++i) - '0';
        String value = group <= m.groupCount() ? m.group(group) : null;
        if (value != null) {
          encode(value, out);
        }
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static void encode(String decoded, StringBuilder out) {
    for (byte b : decoded.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      // The canonical path keeps the escapes it did not decode, so '%' passes as it is.
      if (c > 0x20 && c < 0x7f && c != '?' && c != '#' && c != '"' && c != '\\') {
        out.append((char) c);
      } else {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 15]);
      }
    }
  }

  private static String queryOf(String uri) {
    int q = uri.indexOf('?');
    return q < 0 ? "" : uri.substring(q);
  }
}
