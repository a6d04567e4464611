package io.aralez.dataplane.config;

import java.net.InetAddress;

/** One CIDR block, e.g. {@code 10.0.0.0/8} or {@code fd00::/8}; a bare address is a /32 or /128. */
public record Cidr(byte[] network, int bits) {
  public static Cidr parse(String text) {
    String t = text.trim();
    int slash = t.indexOf('/');
    String addr = slash < 0 ? t : t.substring(0, slash);
    byte[] bytes = address(addr);
    if (bytes == null) {
      throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR block");
    }
    int bits = slash < 0 ? bytes.length * 8 : Integer.parseInt(t.substring(slash + 1));
    if (bits < 0 || bits > bytes.length * 8) {
      throw new IllegalArgumentException("'" + text + "' has a bad prefix length");
    }
    return new Cidr(bytes, bits);
  }

  public boolean contains(byte[] ip) {
    if (ip.length != network.length) {
      return false;
    }
    int full = bits / 8;
    for (int i = 0; i < full; i++) {
      if (ip[i] != network[i]) {
        return false;
      }
    }
    int rest = bits % 8;
    if (rest == 0) {
      return true;
    }
    int mask = 0xff << (8 - rest);
    return (ip[full] & mask) == (network[full] & mask);
  }

  /** The bytes of an IPv4 or IPv6 literal, or null when {@code s} is not one (never a lookup). */
  public static byte[] address(String s) {
    if (s == null || s.isEmpty() || !s.matches("[0-9a-fA-F:.]+") || s.length() > 45) {
      return null;
    }
    if (s.indexOf(':') < 0 && !s.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      return null;
    }
    try {
      return InetAddress.getByName(s).getAddress();
    } catch (java.net.UnknownHostException e) {
      return null;
    }
  }
}
