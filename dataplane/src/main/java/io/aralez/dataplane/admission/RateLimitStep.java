package io.aralez.dataplane.admission;

import io.aralez.dataplane.policy.RateLimiter;

/**
 * {@code rate_limit}: requests per second per client and route, over the limit 429 (or the route's
 * configured status).
 */
final class RateLimitStep implements AdmissionStep {
  private final RateLimiter rate;
  private final Rejections rejections;

  RateLimitStep(RateLimiter rate, Rejections rejections) {
    this.rate = rate;
    this.rejections = rejections;
  }

  @Override
  public Verdict.Local check(Admitting r) {
    Long limit = r.route().rateLimit();
    if (limit == null
        || r.route().rules().nginxRate() != null
        || r.route().rules().limitExempts(r.facts.client())) {
      return null;
    }
    long wait = rate.acquire(r.facts.limitKey() + "|" + limit, limit);
    if (wait <= 0) {
      return null;
    }
    rejections.rejected("rate_limit");
    int status = r.route().rules().rateLimitStatus();
    // ingress-nginx answers 503 without Retry-After; migrating clusters alert on exactly that.
    return status == 429 ? RetryAfter.tooManyRequests(wait) : Verdict.Local.of(status);
  }
}
