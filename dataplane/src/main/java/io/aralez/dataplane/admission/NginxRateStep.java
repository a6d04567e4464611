package io.aralez.dataplane.admission;

import io.aralez.dataplane.config.RouteRules;
import io.aralez.dataplane.policy.RateLimiter;

/**
 * ingress-nginx's limit-rpm and limit-rps: nginx's leaky bucket per client and route, with a burst
 * of the rate times limit-burst-multiplier and no delay; over it, the route's status (503 unless
 * the ConfigMap says otherwise), without Retry-After. With both rates a request must pass both and
 * counts against each only when it does, as nginx accounts several limit_req zones.
 */
final class NginxRateStep implements AdmissionStep {
  private final RateLimiter buckets;
  private final Rejections rejections;

  NginxRateStep(RateLimiter buckets, Rejections rejections) {
    this.buckets = buckets;
    this.rejections = rejections;
  }

  @Override
  public Verdict.Local check(Admitting r) {
    RouteRules.NginxRate rate = r.route().rules().nginxRate();
    if (rate == null || r.route().rules().limitExempts(r.facts.client())) {
      return null;
    }
    String key = r.facts.client() + "|" + (rate.zone() != null ? rate.zone() : r.route().id());
    long rpm = rate.perMinute();
    long rps = rate.perSecond();
    boolean both = rpm > 0 && rps > 0;
    if (rpm > 0 && !pass(key + "|m" + rpm, rpm / 60.0, rpm * rate.burstMultiplier(), !both)) {
      return refused(r);
    }
    if (rps > 0 && !pass(key + "|s" + rps, rps, rps * rate.burstMultiplier(), true)) {
      return refused(r);
    }
    if (both) {
      pass(key + "|m" + rpm, rpm / 60.0, rpm * rate.burstMultiplier(), true);
    }
    return null;
  }

  private boolean pass(String key, double perSecond, long burst, boolean account) {
    return buckets.acquireLeaky(key, perSecond, burst, account) == 0;
  }

  private Verdict.Local refused(Admitting r) {
    rejections.rejected("rate_limit");
    return Verdict.Local.of(r.route().rules().rateLimitStatus());
  }
}
