package io.aralez.dataplane.admission;

/**
 * A fixed redirect (ingress-nginx's permanent- and temporal-redirect): every request gets the code
 * with Location exactly as configured, nothing of the request appended.
 */
final class FixedRedirectStep implements AdmissionStep {
  @Override
  public Verdict.Local check(Admitting r) {
    var fixed = r.route().rules().redirect();
    return fixed == null ? null : Verdict.Local.of(fixed.code(), "location", fixed.location());
  }
}
