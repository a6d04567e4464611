package io.aralez.dataplane.policy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Who the client is. The socket peer, unless the peer is a trusted proxy ({@code trusted_proxies});
 * then the right-most address in X-Forwarded-For (or Forwarded) that is not itself trusted. Rate
 * limits, logs and forward auth all use this one identity.
 */
public final class ClientIdentity {
  /** One CIDR block. */
  public record Cidr(byte[] network, int bits) {
    public static Cidr parse(String text) {
      String t = text.trim();
      int slash = t.indexOf('/');
      String addr = slash < 0 ? t : t.substring(0, slash);
      byte[] bytes = literal(addr);
      if (bytes == null) {
        throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR block");
      }
      int bits = slash < 0 ? bytes.length * 8 : Integer.parseInt(t.substring(slash + 1));
      if (bits < 0 || bits > bytes.length * 8) {
        throw new IllegalArgumentException("'" + text + "' has a bad prefix length");
      }
      return new Cidr(bytes, bits);
    }

    boolean contains(byte[] ip) {
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
  }

  private final List<Cidr> trusted;

  public ClientIdentity(List<Cidr> trusted) {
    this.trusted = List.copyOf(trusted);
  }

  public boolean isTrusted(String ip) {
    if (trusted.isEmpty()) {
      return false; // the common case, asked on every request: no parsing
    }
    byte[] b = literal(ip);
    if (b == null) {
      return false;
    }
    for (Cidr c : trusted) {
      if (c.contains(b)) {
        return true;
      }
    }
    return false;
  }

  /**
   * @param peer the socket peer's address
   * @param xff the X-Forwarded-For values, or empty
   * @param forwarded the Forwarded values, or empty
   */
  public String resolve(String peer, List<String> xff, List<String> forwarded) {
    if (trusted.isEmpty() || !isTrusted(peer)) {
      return peer;
    }
    List<String> chain = new ArrayList<>();
    if (!xff.isEmpty()) {
      for (String v : xff) {
        for (String part : v.split(",")) {
          chain.add(part.trim());
        }
      }
    } else {
      for (String v : forwarded) {
        for (String element : v.split(",")) {
          for (String pair : element.split(";")) {
            String p = pair.trim();
            if (p.regionMatches(true, 0, "for=", 0, 4)) {
              String f = p.substring(4).replace("\"", "");
              if (f.startsWith("[")) {
                f = f.substring(1, f.indexOf(']') > 0 ? f.indexOf(']') : f.length());
              } else if (f.indexOf(':') > 0 && f.indexOf(':') == f.lastIndexOf(':')) {
                f = f.substring(0, f.indexOf(':'));
              }
              chain.add(f);
            }
          }
        }
      }
    }
    for (int i = chain.size() - 1; i >= 0; i--) {
      String candidate = chain.get(i);
      if (literal(candidate) == null) {
        return peer;
      }
      if (!isTrusted(candidate)) {
        return candidate;
      }
    }
    return chain.isEmpty() ? peer : chain.get(0);
  }

  /** The bytes of an IP literal, never a DNS lookup; null for anything else. */
  static byte[] literal(String s) {
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
