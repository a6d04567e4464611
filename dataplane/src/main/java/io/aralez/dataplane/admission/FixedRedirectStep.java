package io.aralez.dataplane.admission;

/**
 * A fixed redirect (ingress-nginx's permanent- and temporal-redirect, and from-to-www-redirect):
 * every request gets the code with Location as configured, nothing of the request appended unless
 * the location names it: {@code $scheme} and {@code $request_uri} are the request's own.
 */
final class FixedRedirectStep implements AdmissionStep {
  private final String scheme;

  FixedRedirectStep(boolean secure) {
    this.scheme = secure ? "https" : "http";
  }

  @Override
  public Verdict.Local check(Admitting r) {
    var fixed = r.route().rules().redirect();
    if (fixed == null) {
      return null;
    }
    String location = fixed.location();
    if (location.indexOf('$') >= 0) {
      String scheme = this.scheme;
      String uri = r.target.uri();
      if (fixed.withPort()) {
        scheme = forwardedScheme(r);
        if (uri.endsWith("/")) {
          // ingress-nginx drops one trailing "/": www.example.com/ goes to example.com:443.
          uri = uri.substring(0, uri.length() - 1);
        }
        uri = ":" + addressedPort(r, scheme) + uri;
      }
      location = location.replace("$scheme", scheme).replace("$request_uri", uri);
    }
    if (fixed.absolute() && location.startsWith("/") && r.target.hostHeader() != null) {
      // nginx's absolute_redirect: a path becomes a URL on the host the client named.
      location = scheme + "://" + r.target.hostHeader() + location;
    }
    return Verdict.Local.of(fixed.code(), "location", location);
  }

  /** The listener's scheme, or the one a trusted proxy in front says the client used. */
  private String forwardedScheme(Admitting r) {
    if (r.facts.trustedPeer()) {
      String proto = r.head.header("x-forwarded-proto");
      if ("https".equalsIgnoreCase(proto) || "http".equalsIgnoreCase(proto)) {
        return proto.toLowerCase(java.util.Locale.ROOT);
      }
    }
    return scheme;
  }

  /**
   * The port the client addressed: a trusted proxy's X-Forwarded-Port, else the Host header's, else
   * the scheme's default (a client that names no port used it; the listener's own port may sit
   * behind a Service or load balancer that maps it).
   */
  private static int addressedPort(Admitting r, String scheme) {
    if (r.facts.trustedPeer()) {
      int forwarded = port(r.head.header("x-forwarded-port"));
      if (forwarded > 0) {
        return forwarded;
      }
    }
    String host = r.target.hostHeader();
    if (host != null) {
      int colon = host.lastIndexOf(':');
      if (colon >= 0 && colon > host.lastIndexOf(']')) {
        int p = port(host.substring(colon + 1));
        if (p > 0) {
          return p;
        }
      }
    }
    return scheme.equals("https") ? 443 : 80;
  }

  /** 1-65535 written in at most five digits, else 0. */
  private static int port(String s) {
    if (s == null || s.isEmpty() || s.length() > 5) {
      return 0;
    }
    int p = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return 0;
      }
      p = p * 10 + (c - '0');
    }
    return p <= 65535 ? p : 0;
  }
}
