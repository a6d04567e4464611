package io.aralez.dataplane.policy;

/** What every request shares across the process: client identity, limiters, metrics. */
public record RequestServices(
    ClientIdentity identity,
    RateLimiter rate,
    ErrorLimiter errors,
    io.aralez.dataplane.metrics.ProxyMetrics metrics,
    io.aralez.dataplane.logging.AccessLog accessLog) {}
