package io.aralez.dataplane.admission;

/** 429 with the wait in whole seconds, rounded up and never 0 (clients read 0 as "now"). */
final class RetryAfter {
  private RetryAfter() {}

  static Verdict.Local tooManyRequests(long waitNanos) {
    long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
    return Verdict.Local.of(429, "retry-after", Long.toString(seconds));
  }
}
