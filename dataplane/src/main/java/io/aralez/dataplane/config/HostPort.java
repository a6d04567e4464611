package io.aralez.dataplane.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A parsed {@code host:port} or {@code [v6]:port}. The host is kept without brackets; IP literals
 * are recognised without any DNS lookup.
 */
public record HostPort(String host, int port, boolean ipLiteral) {
  private static final Pattern HOST_NAME =
      Pattern.compile(
          "(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\\.?");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException with a message fit for the user
   */
  public static HostPort parse(String text) {
    String s = text.trim();
    String host;
    String port;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
        throw new IllegalArgumentException("'" + text + "' is not [ipv6]:port");
      }
      host = s.substring(1, close);
      port = s.substring(close + 2);
      if (!isIpLiteral(host) || !host.contains(":")) {
        throw new IllegalArgumentException("'" + host + "' is not an IPv6 address");
      }
    } else {
      int colon = s.lastIndexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("'" + text + "' is not host:port");
      }
      host = s.substring(0, colon);
      port = s.substring(colon + 1);
      if (host.contains(":")) {
        throw new IllegalArgumentException(
            "'" + text + "': write IPv6 addresses in brackets, as [::1]:8080");
      }
    }
    int p;
    try {
      p = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + port + "' is not a port number");
    }
    if (p < 1 || p > 65535) {
      throw new IllegalArgumentException("port " + p + " is out of range 1-65535");
    }
    String lower = host.toLowerCase(Locale.ROOT);
    boolean literal = isIpLiteral(lower);
    if (!literal && !HOST_NAME.matcher(lower).matches()) {
      throw new IllegalArgumentException("'" + host + "' is not a valid host name or IP address");
    }
    if (!literal && IPV4.matcher(lower).matches()) {
      throw new IllegalArgumentException("'" + host + "' is not a valid IPv4 address");
    }
    return new HostPort(lower, p, literal);
  }

  /** True for IPv4 dotted quads and IPv6 literals (without brackets). */
  public static boolean isIpLiteral(String host) {
    if (IPV4.matcher(host).matches()) {
      for (String part : host.split("\\.")) {
        if (Integer.parseInt(part) > 255) {
          return false;
        }
      }
      return true;
    }
    if (host.indexOf(':') >= 0 && host.matches("[0-9a-fA-F:.%a-zA-Z0-9]+")) {
      try {
        // An IPv6 literal never triggers a DNS lookup.
        InetAddress.getByName("[" + host + "]");
        return true;
      } catch (UnknownHostException e) {
        return false;
      }
    }
    return false;
  }

  /**
   * An address to connect to: resolved for IP literals; unresolved for names, which the proxy
   * resolves asynchronously at connect time.
   */
  public InetSocketAddress toConnectAddress() {
    if (ipLiteral) {
      try {
        return new InetSocketAddress(InetAddress.getByName(host), port);
      } catch (UnknownHostException e) {
        throw new IllegalStateException("IP literal did not parse: " + host, e);
      }
    }
    return InetSocketAddress.createUnresolved(host, port);
  }

  /** An address to bind: names are resolved now (startup, off the event loops). */
  public InetSocketAddress toBindAddress() throws UnknownHostException {
    return new InetSocketAddress(InetAddress.getByName(host), port);
  }

  @Override
  public String toString() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }
}
