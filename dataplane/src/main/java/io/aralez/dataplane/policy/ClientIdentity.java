package io.aralez.dataplane.policy;

import io.aralez.dataplane.config.Cidr;
import java.util.ArrayList;
import java.util.List;

/**
 * Who the client is. The socket peer, unless the peer is a trusted proxy ({@code trusted_proxies});
 * then the right-most address in X-Forwarded-For (or Forwarded) that is not itself trusted. Rate
 * limits, logs and forward auth all use this one identity.
 */
public final class ClientIdentity {
  private final List<Cidr> trusted;

  public ClientIdentity(List<Cidr> trusted) {
    this.trusted = List.copyOf(trusted);
  }

  public boolean isTrusted(String ip) {
    if (trusted.isEmpty()) {
      return false; // the common case, asked on every request: no parsing
    }
    byte[] b = Cidr.address(ip);
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
      if (Cidr.address(candidate) == null) {
        return peer;
      }
      if (!isTrusted(candidate)) {
        return candidate;
      }
    }
    return chain.isEmpty() ? peer : chain.get(0);
  }

  /** The bytes of an IP literal, never a DNS lookup; null for anything else. */
}
