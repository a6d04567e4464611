package io.aralez.dataplane.admission;

/** {@code redirect_to}: the route answers with a redirect to another origin, path kept. */
final class RedirectStep implements AdmissionStep {
  @Override
  public Verdict.Local check(Admitting r) {
    String to = r.route().redirectTo();
    return to == null
        ? null
        : Verdict.Local.of(r.route().redirectCode(), "location", to + r.target.uri());
  }
}
