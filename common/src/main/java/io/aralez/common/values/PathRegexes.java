package io.aralez.common.values;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * The rule for a regex path (ingress-nginx's {@code use-regex}): an RE2 regex, matched
 * case-insensitively from the start of the path. RE2 (re2j) matches in linear time: a path regex
 * written by whoever may create an Ingress can never make the data plane backtrack for seconds on
 * one request; what it cannot do (back-references, look-around) is refused here. Checked the same
 * way by the controller, which reports a bad one on its Ingress, and by the data plane, which
 * refuses a snapshot carrying one.
 */
public final class PathRegexes {
  /** Longer patterns are refused: they are typos or attempts to make matching expensive. */
  public static final int MAX_LENGTH = 1024;

  private PathRegexes() {}

  /** What is wrong with {@code regex} as a path regex, or null when it compiles. */
  public static String problem(String regex) {
    if (regex == null || regex.isEmpty() || regex.charAt(0) != '/') {
      return "a regex path must start with '/'";
    }
    return compileProblem(regex, "regex path", Pattern.CASE_INSENSITIVE);
  }

  /**
   * What is wrong with {@code regex} as a header-value regex (found anywhere in the value), or null
   * when it compiles as RE2.
   */
  public static String headerProblem(String regex) {
    if (regex == null || regex.isEmpty()) {
      return "an empty header regex";
    }
    return compileProblem(regex, "header regex", 0);
  }

  /** The checks every regex a tenant writes passes: length, no control characters, RE2 syntax. */
  private static String compileProblem(String regex, String what, int flags) {
    if (regex.length() > MAX_LENGTH) {
      return "a " + what + " is longer than " + MAX_LENGTH + " characters";
    }
    if (regex.chars().anyMatch(c -> c < ' ' || c == 0x7f)) {
      return "a " + what + " has control characters";
    }
    try {
      Pattern.compile(regex, flags);
      return null;
    } catch (PatternSyntaxException e) {
      return "'" + regex + "' is not a valid RE2 regex: " + e.getDescription();
    }
  }

  /**
   * A rewrite target with {@code $1..$9} group references: an origin-form path, or an absolute
   * http(s) URL (answered as a redirect). Null when valid.
   */
  public static String targetProblem(String target) {
    if (target == null || target.isEmpty()) {
      return "an empty rewrite target";
    }
    if (target.chars().anyMatch(c -> c <= ' ' || c == 0x7f || c >= 0x80)) {
      return "rewrite target '" + target + "' has spaces, control or non-ASCII characters";
    }
    if (target.charAt(0) == '/') {
      return target.startsWith("//") ? "rewrite target '" + target + "' starts with //" : null;
    }
    return HttpUrls.absolute(target.replaceAll("\\$\\d", "x"))
        ? null
        : "rewrite target '" + target + "' is neither a path nor an http(s) URL";
  }
}
