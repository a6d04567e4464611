package io.aralez.dataplane.admission;

/**
 * {@code to_https}: on the plain listener, a redirect to the same target on the TLS port, unless a
 * trusted proxy says the client already used HTTPS.
 */
final class HttpsRedirectStep implements AdmissionStep {
  private final boolean secure;
  private final int httpsPort;

  HttpsRedirectStep(boolean secure, int httpsPort) {
    this.secure = secure;
    this.httpsPort = httpsPort;
  }

  @Override
  public Verdict.Local check(Admitting r) {
    if (!r.route().toHttps() || secure) {
      return null;
    }
    if (r.facts.trustedPeer() && "https".equalsIgnoreCase(r.head.header("x-forwarded-proto"))) {
      // TLS ended at a trusted proxy in front (force-ssl-redirect's case): already HTTPS, and a
      // redirect would loop.
      return null;
    }
    String host = r.target.host();
    if (host == null) {
      // HTTP/1.0 without Host: there is no name to redirect to.
      return Verdict.Local.of(400);
    }
    String authority = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    String uri = r.target.uri();
    var style = r.route().rules().httpsRedirect();
    if (style.stripSlash() && uri.endsWith("/")) {
      // ingress-nginx's default: "/a/" goes to https://host/a and "/" to https://host.
      uri = uri.substring(0, uri.length() - 1);
    }
    boolean port = httpsPort != 443 || style.explicitPort();
    String location = "https://" + authority + (port ? ":" + httpsPort : "") + uri;
    return Verdict.Local.of(r.route().redirectCode(), "location", location);
  }
}
