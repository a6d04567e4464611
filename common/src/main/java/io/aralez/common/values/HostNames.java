package io.aralez.common.values;

import java.util.Locale;

/** Host name normalisation, shared by the config translators and the request path. */
public final class HostNames {
  private static final int MAX_LENGTH = 253;

  private HostNames() {}

  /**
   * Normalises a host written in config: lower case, no trailing dot, IPv6 without brackets.
   * Returns null when it is not a host name, a {@code *.suffix} wildcard or an IP literal.
   */
  public static String normalizeConfigured(String host) {
    String h = host.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    if (h.isEmpty() || h.length() > MAX_LENGTH) {
      return null;
    }
    if (h.indexOf(':') >= 0) {
      return h.matches("[0-9a-f:.]+") ? h : null;
    }
    return validLabels(h, true) ? h : null;
  }

  /**
   * Normalises the authority of a request (Host header or absolute URI): strips the port and the
   * trailing dot, lower-cases, removes IPv6 brackets. Returns null for a malformed value, which the
   * caller answers with 400.
   */
  public static String normalizeRequest(String authority) {
    if (authority == null) {
      return null;
    }
    String a = authority.trim();
    if (a.isEmpty() || a.length() > MAX_LENGTH + 8) {
      return null;
    }
    String host;
    String port = null;
    if (a.charAt(0) == '[') {
      int close = a.indexOf(']');
      if (close < 0) {
        return null;
      }
      host = a.substring(1, close);
      if (close + 1 < a.length()) {
        if (a.charAt(close + 1) != ':') {
          return null;
        }
        port = a.substring(close + 2);
      }
      if (!host.matches("[0-9a-fA-F:.]+")) {
        return null;
      }
    } else {
      int colon = a.indexOf(':');
      if (colon >= 0) {
        host = a.substring(0, colon);
        port = a.substring(colon + 1);
      } else {
        host = a;
      }
    }
    if (port != null && !validPort(port)) {
      return null;
    }
    host = host.toLowerCase(Locale.ROOT);
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    if (host.isEmpty()) {
      return null;
    }
    if (host.indexOf(':') < 0 && !validLabels(host, false)) {
      return null;
    }
    return host;
  }

  /**
   * Dot-separated labels of 1 to 63 characters from {@code [a-z0-9_-]}, never starting or ending
   * with '-'; with {@code wildcard}, an optional leading {@code *.}. Written out rather than as a
   * regular expression because it runs on every request.
   */
  static boolean validLabels(String h, boolean wildcard) {
    int i = 0;
    int n = h.length();
    if (wildcard && n > 2 && h.charAt(0) == '*' && h.charAt(1) == '.') {
      i = 2;
    }
    int labelStart = i;
    for (; i <= n; i++) {
      char c = i < n ? h.charAt(i) : '.';
      if (c == '.') {
        int len = i - labelStart;
        if (len < 1 || len > 63 || h.charAt(labelStart) == '-' || h.charAt(i - 1) == '-') {
          return false;
        }
        labelStart = i + 1;
      } else if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  private static boolean validPort(String port) {
    if (port.isEmpty() || port.length() > 5) {
      return false;
    }
    for (int i = 0; i < port.length(); i++) {
      if (port.charAt(i) < '0' || port.charAt(i) > '9') {
        return false;
      }
    }
    return Integer.parseInt(port) <= 65535;
  }
}
