package io.aralez.dataplane.admission;

import io.aralez.dataplane.net.DispatchClock;
import io.aralez.dataplane.policy.ClientIdentity;
import io.aralez.dataplane.policy.ErrorLimiter;
import io.aralez.dataplane.policy.RateLimiter;

/**
 * What every request shares across the process: client identity, limiters, metrics, the access log,
 * and the ACME challenges this process answers.
 */
public record RequestServices(
    ClientIdentity identity,
    RateLimiter rate,
    ErrorLimiter errors,
    io.aralez.dataplane.metrics.ProxyMetrics metrics,
    io.aralez.dataplane.logging.AccessLog accessLog,
    ChallengeAnswers challenges,
    io.aralez.dataplane.policy.ConcurrencyLimiter concurrency,
    Pressure pressure) {

  public RequestServices withChallenges(ChallengeAnswers c) {
    return new RequestServices(
        identity, rate, errors, metrics, accessLog, c, concurrency, pressure);
  }

  /** These services, shedding requests while {@code p} is high. */
  public RequestServices withPressure(Pressure p) {
    return new RequestServices(
        identity, rate, errors, metrics, accessLog, challenges, concurrency, p);
  }

  /** The services main.yaml describes: trusted proxies and limiter sizes. */
  public static RequestServices from(
      io.aralez.dataplane.config.MainConfig config,
      io.aralez.dataplane.metrics.ProxyMetrics metrics,
      io.aralez.dataplane.logging.AccessLog accessLog) {
    return new RequestServices(
        new ClientIdentity(config.trustedProxies()),
        new RateLimiter(config.rateLimitMaxKeys(), DispatchClock::now),
        new ErrorLimiter(config.rateLimitMaxKeys(), DispatchClock::now),
        metrics,
        accessLog,
        ChallengeAnswers.NONE,
        new io.aralez.dataplane.policy.ConcurrencyLimiter(),
        Pressure.NONE);
  }
}
