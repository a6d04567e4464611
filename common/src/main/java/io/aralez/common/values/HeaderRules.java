package io.aralez.common.values;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Which headers a config (file or snapshot) may set, checked the same way for every source. */
public final class HeaderRules {
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  /** Framing and connection headers: set by a config they would break message framing. */
  private static final Set<String> FRAMING =
      Set.of(
          "content-length",
          "transfer-encoding",
          "connection",
          "keep-alive",
          "upgrade",
          "te",
          "trailer",
          "proxy-connection");

  private HeaderRules() {}

  public static boolean validName(String name) {
    return TOKEN.matcher(name).matches();
  }

  /**
   * Why this header may not be set, or null when it may.
   *
   * @param hostAllowed whether the source may override {@code Host} (the file config may; a
   *     Kubernetes route may not: the Host selects the route)
   */
  public static String problem(String name, String value, boolean hostAllowed) {
    if (!validName(name)) {
      return "'" + name + "' is not a valid header name";
    }
    if (value.chars().anyMatch(c -> (c < ' ' && c != '\t') || c == 0x7f)) {
      return "the value of " + name + " contains a line break or control character";
    }
    String lower = name.toLowerCase(Locale.ROOT);
    if (FRAMING.contains(lower) || (!hostAllowed && lower.equals("host"))) {
      return "'" + name + "' is managed by the proxy itself";
    }
    return null;
  }
}
