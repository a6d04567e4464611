package io.aralez.acme;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How long to leave a failing name alone: doubling from {@code first} up to {@code max}, never
 * earlier than the CA's Retry-After (rate limits say when they end). Failures never touch the
 * certificate being served.
 */
public final class Backoff {
  private final Duration first;
  private final Duration max;

  public Backoff(Duration first, Duration max) {
    this.first = first;
    this.max = max;
  }

  /**
   * @param failures consecutive failures so far, at least 1
   * @param retryAfter what the CA asked for, if anything
   */
  public Instant next(int failures, Optional<Instant> retryAfter, Instant now) {
    int shift = Math.min(Math.max(failures - 1, 0), 20);
    Duration d = first.multipliedBy(1L << shift);
    if (d.compareTo(max) > 0) {
      d = max;
    }
    Instant mine = now.plus(d);
    return retryAfter.filter(r -> r.isAfter(mine)).orElse(mine);
  }
}
