package io.aralez.dataplane.admission;

/** Strict-Transport-Security on every response sent over TLS, replacing the upstream's own. */
final class HstsStep implements AdmissionStep {
  private final boolean secure;

  HstsStep(boolean secure) {
    this.secure = secure;
  }

  @Override
  public Verdict.Local check(Admitting r) {
    String hsts = r.route().rules().hsts();
    if (secure && hsts != null) {
      r.addResponseHeader("strict-transport-security", hsts);
    }
    return null;
  }
}
