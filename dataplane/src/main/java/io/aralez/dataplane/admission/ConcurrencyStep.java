package io.aralez.dataplane.admission;

import io.aralez.dataplane.policy.ConcurrencyLimiter;

/**
 * Requests in flight per client on the route (ingress-nginx's limit-connections): over the limit,
 * the rate-limit status (503 for ingress-nginx). The permit taken here is given back when the
 * request ends.
 */
final class ConcurrencyStep implements AdmissionStep {
  private final ConcurrencyLimiter limiter;
  private final Rejections rejections;

  ConcurrencyStep(ConcurrencyLimiter limiter, Rejections rejections) {
    this.limiter = limiter;
    this.rejections = rejections;
  }

  @Override
  public Verdict.Local check(Admitting r) {
    int max = r.route().rules().maxConcurrentPerClient();
    if (max <= 0 || r.route().rules().limitExempts(r.facts.client())) {
      return null;
    }
    r.permit = limiter.tryAcquire(r.facts.client() + "|" + r.route().id(), max);
    if (r.permit != null) {
      return null;
    }
    rejections.rejected("concurrency_limit");
    return Verdict.Local.of(r.route().rules().rateLimitStatus());
  }
}
