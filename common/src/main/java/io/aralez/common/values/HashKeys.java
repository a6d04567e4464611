package io.aralez.common.values;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The consistent-hashing key expressions Aralez evaluates (ingress-nginx's upstream-hash-by): a mix
 * of literal text and the variables {@code $request_uri}, {@code $uri}, {@code $host}, {@code
 * $remote_addr}, {@code $http_<header>}, {@code $cookie_<name>} and {@code $arg_<name>}. Checked
 * the same way by the controller and the data plane.
 */
public final class HashKeys {
  public static final Pattern VARIABLE =
      Pattern.compile("\\$(request_uri|uri|host|remote_addr|(?:http|cookie|arg)_[A-Za-z0-9_-]+)");

  private HashKeys() {}

  /** What is wrong with {@code expr}, or null. */
  public static String problem(String expr) {
    if (expr == null || expr.isEmpty() || expr.length() > 256) {
      return "a hash key expression is empty or longer than 256 characters";
    }
    if (expr.chars().anyMatch(c -> c < ' ' || c >= 0x7f)) {
      return "hash key '" + expr + "' has control characters";
    }
    Matcher m = VARIABLE.matcher(expr);
    String rest = m.replaceAll("");
    if (rest.indexOf('$') >= 0) {
      return "hash key '" + expr + "' uses a variable Aralez does not know";
    }
    return VARIABLE.matcher(expr).find() ? null : "hash key '" + expr + "' names no variable";
  }
}
