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
      location = location.replace("$scheme", scheme).replace("$request_uri", r.target.uri());
    }
    return Verdict.Local.of(fixed.code(), "location", location);
  }
}
