package io.aralez.dataplane.admission;

/**
 * Source allow and deny lists: the client address (the peer, or the address trusted proxies
 * forwarded) must not be denied and, when there is an allow list, must be on it; else 403.
 */
final class SourceAccessStep implements AdmissionStep {
  private final Rejections rejections;

  SourceAccessStep(Rejections rejections) {
    this.rejections = rejections;
  }

  @Override
  public Verdict.Local check(Admitting r) {
    var access = r.route().rules().access();
    if (access == null) {
      return null;
    }
    r.sourceAdmitted = access.admits(r.facts.client());
    if (r.sourceAdmitted
        || r.route().rules().satisfyAny()
            && r.route().auth().type()
                != io.aralez.dataplane.config.ProxyConfig.AuthPolicy.Type.NONE) {
      // satisfy any: the auth step may still let the client in.
      return null;
    }
    rejections.rejected("source_access");
    return Verdict.Local.of(403);
  }
}
