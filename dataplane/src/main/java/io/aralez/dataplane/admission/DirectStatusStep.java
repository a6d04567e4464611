package io.aralez.dataplane.admission;

/** A route that only answers a fixed status (e.g. 403 for a closed path). */
final class DirectStatusStep implements AdmissionStep {
  @Override
  public Verdict.Local check(Admitting r) {
    Integer status = r.route().directStatus();
    return status == null ? null : Verdict.Local.of(status);
  }
}
