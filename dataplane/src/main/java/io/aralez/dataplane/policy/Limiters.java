package io.aralez.dataplane.policy;

/** The per-process policy state requests share: client identity, rate and 4xx limiters. */
public record Limiters(ClientIdentity identity, RateLimiter rate, ErrorLimiter errors) {}
