package io.aralez.dataplane.policy;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Buckets per key (client and virtual host). Aralez's own are token buckets holding up to one
 * second of requests and refilling continuously, so a client may burst to its per-second limit and
 * then keep that rate. ingress-nginx's are nginx's leaky buckets ({@link #acquireLeaky}). Memory is
 * bounded: past {@code maxKeys} buckets, those back in their initial state (idle clients) are
 * dropped, and if that is not enough, arbitrary ones are (a dropped client starts again with a
 * fresh bucket).
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

  /**
   * nginx's {@code limit_req ... burst=N nodelay}: a client's excess drains at {@code perSecond}
   * and grows by one per request; a request that would take it past {@code burst} is refused and
   * counts for nothing. A new client's first request is free, so burst + 1 requests pass at once,
   * then {@code perSecond} on average.
   *
   * @param account false to only ask (a request refused by a later limit must not count here)
   * @return 0 when allowed, otherwise the nanoseconds until it would be
   */
  public long acquireLeaky(String key, double perSecond, long burst, boolean account) {
    long now = nanos.getAsLong();
    Bucket b = buckets.get(key);
    if (b == null) {
      if (account) {
        buckets.putIfAbsent(key, new Bucket(0, now));
        if (buckets.size() > maxKeys) {
          sweep(now);
        }
      }
      return 0;
    }
    return b.leak(perSecond, burst, now, account);
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
    // Tokens left (a token bucket), or the excess (a leaky one).
    private double tokens;
    private long last;
    // When the bucket is back in its initial state if nothing happens.
    private long quietAt;

    Bucket(double tokens, long now) {
      this.tokens = tokens;
      this.last = now;
      this.quietAt = now;
    }

    synchronized long take(long perSecond, long now) {
      double perNano = perSecond / 1e9;
      tokens = Math.min(perSecond, tokens + (now - last) * perNano);
      last = now;
      quietAt = now + 2_000_000_000L;
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return (long) Math.ceil((1 - tokens) / perNano);
    }

    synchronized long leak(double perSecond, long burst, long now, boolean account) {
      double perNano = perSecond / 1e9;
      double excess = Math.max(0, tokens - (now - last) * perNano) + 1;
      if (excess > burst) {
        return Math.max(1, (long) Math.ceil((excess - burst) / perNano));
      }
      if (account) {
        tokens = excess;
        last = now;
        quietAt = now + (long) Math.ceil(excess / perNano);
      }
      return 0;
    }

    synchronized boolean full(long now) {
      return now > quietAt;
    }
  }
}
