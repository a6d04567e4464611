package io.aralez.dataplane.policy;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests in flight per key (a client on a route), as ingress-nginx's limit-connections counts
 * them: a request takes a {@link Permit} at admission and gives it back when it ends, however it
 * ends. Keys with nothing in flight are dropped, so memory follows the requests, not the clients
 * ever seen.
 */
public final class ConcurrencyLimiter {
  private final ConcurrentHashMap<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

  /** One request's place; {@link #release} is idempotent. */
  public final class Permit {
    private final String key;
    private final AtomicBoolean released = new AtomicBoolean();

    private Permit(String key) {
      this.key = key;
    }

    public void release() {
      if (released.compareAndSet(false, true)) {
        inFlight.computeIfPresent(key, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
      }
    }
  }

  /** A permit, or null when {@code key} already has {@code max} requests in flight. */
  public Permit tryAcquire(String key, int max) {
    boolean[] ok = {false};
    inFlight.compute(
        key,
        (k, n) -> {
          AtomicInteger c = n == null ? new AtomicInteger() : n;
          if (c.get() < max) {
            c.incrementAndGet();
            ok[0] = true;
          }
          return c.get() == 0 ? null : c;
        });
    return ok[0] ? new Permit(key) : null;
  }

  /** Keys with requests in flight (for tests and metrics). */
  public int keys() {
    return inFlight.size();
  }
}
