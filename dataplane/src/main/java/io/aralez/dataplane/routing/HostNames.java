package io.aralez.dataplane.routing;

import java.util.Locale;
import java.util.regex.Pattern;

/** Host name normalisation, shared by the config translators and the request path. */
public final class HostNames {
  private static final Pattern LABELS =
      Pattern.compile(
          "(\\*\\.)?[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*");
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
    return LABELS.matcher(h).matches() ? h : null;
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
    if (host.indexOf(':') < 0 && !LABELS.matcher(host).matches() || host.startsWith("*")) {
      return null;
    }
    return host;
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
