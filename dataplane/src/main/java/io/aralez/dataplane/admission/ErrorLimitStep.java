package io.aralez.dataplane.admission;

import io.aralez.dataplane.policy.ErrorLimiter;

/** {@code x4xx_limit}: a client that earned too many 4xx answers on a route waits (429). */
final class ErrorLimitStep implements AdmissionStep {
  private final ErrorLimiter errors;
  private final Rejections rejections;

  ErrorLimitStep(ErrorLimiter errors, Rejections rejections) {
    this.errors = errors;
    this.rejections = rejections;
  }

  @Override
  public Verdict.Local check(Admitting r) {
    if (r.facts.x4xxLimit() == null) {
      return null;
    }
    long blocked = errors.blockedFor(r.facts.limitKey());
    if (blocked <= 0) {
      return null;
    }
    rejections.rejected("x4xx_limit");
    return RetryAfter.tooManyRequests(blocked);
  }
}
