package io.aralez.dataplane.policy;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Token buckets per key (client and virtual host): each holds up to one second of requests and
 * refills continuously, so a client may burst to its per-second limit and then keep that rate.
 * Memory is bounded: past {@code maxKeys} buckets, full ones (idle clients) are dropped, and if
 * that is not enough, arbitrary ones are (a dropped client starts again with a full bucket).
 */
public final class RateLimiter {
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
  private final int maxKeys;
  private final LongSupplier nanos;
  private final AtomicBoolean sweeping = new AtomicBoolean();

  public RateLimiter(int maxKeys, LongSupplier nanos) {
    this.maxKeys = maxKeys;
    this.nanos = nanos;
  }

  /**
   * Takes one token.
   *
   * @return 0 when allowed, otherwise the nanoseconds until a token is available
   */
  public long acquire(String key, long perSecond) {
    long now = nanos.getAsLong();
    Bucket b = buckets.computeIfAbsent(key, k -> new Bucket(perSecond, now));
    long wait = b.take(perSecond, now);
    if (buckets.size() > maxKeys) {
      sweep(now);
    }
    return wait;
  }

  public int size() {
    return buckets.size();
  }

  private void sweep(long now) {
    if (!sweeping.compareAndSet(false, true)) {
      return;
    }
    try {
      buckets.values().removeIf(b -> b.full(now));
      Iterator<String> it = buckets.keySet().iterator();
      int excess = buckets.size() - maxKeys * 9 / 10;
      while (excess-- > 0 && it.hasNext()) {
        it.next();
        it.remove();
      }
    } finally {
      sweeping.set(false);
    }
  }

  private static final class Bucket {
    private double tokens;
    private long last;

    Bucket(long perSecond, long now) {
      this.tokens = perSecond;
      this.last = now;
    }

    synchronized long take(long perSecond, long now) {
      double perNano = perSecond / 1e9;
      tokens = Math.min(perSecond, tokens + (now - last) * perNano);
      last = now;
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return (long) Math.ceil((1 - tokens) / perNano);
    }

    synchronized boolean full(long now) {
      return now - last > 2_000_000_000L;
    }
  }
}
