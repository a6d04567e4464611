package io.aralez.acme;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.shredzone.acme4j.exception.AcmeRateLimitedException;

/**
 * Which names are failing, how many times in a row, and when each may be tried again ({@link
 * Backoff}, never before a rate limit's Retry-After). Thread-safe.
 */
public final class FailureLog {
  /** One failing name. */
  public record Entry(int count, Instant retryAt, String reason) {}

  private final Backoff backoff;
  private final Map<String, Entry> failing = new ConcurrentHashMap<>();

  public FailureLog(Backoff backoff) {
    this.backoff = backoff;
  }

  /** Whether {@code key} is still backing off at {@code now}. */
  public boolean waiting(String key, Instant now) {
    Entry e = failing.get(key);
    return e != null && now.isBefore(e.retryAt());
  }

  public Entry failed(String key, Exception cause, Instant now) {
    Entry before = failing.get(key);
    int count = before == null ? 1 : before.count() + 1;
    Optional<Instant> retryAfter =
        cause instanceof AcmeRateLimitedException r ? r.getRetryAfter() : Optional.empty();
    Entry e =
        new Entry(count, backoff.next(count, retryAfter, now), String.valueOf(cause.getMessage()));
    failing.put(key, e);
    return e;
  }

  public void succeeded(String key) {
    failing.remove(key);
  }

  public Map<String, Entry> entries() {
    return new TreeMap<>(failing);
  }
}
