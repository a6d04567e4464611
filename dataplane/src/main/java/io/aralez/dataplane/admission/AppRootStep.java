package io.aralez.dataplane.admission;

/**
 * {@code app-root}: a request for exactly "/" (whatever its query) is sent with 302 to the
 * application's root on the same scheme and Host; every other path passes.
 */
final class AppRootStep implements AdmissionStep {
  private final String scheme;

  AppRootStep(boolean secure) {
    this.scheme = secure ? "https://" : "http://";
  }

  @Override
  public Verdict.Local check(Admitting r) {
    String root = r.route().rules().appRoot();
    if (root == null || !r.target.rawPath().equals("/")) {
      return null;
    }
    String host = r.target.hostHeader();
    if (host == null || host.isEmpty()) {
      return Verdict.Local.of(400);
    }
    return Verdict.Local.of(302, "location", scheme + host + root);
  }
}
