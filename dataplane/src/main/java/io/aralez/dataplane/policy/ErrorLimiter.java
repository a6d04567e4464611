package io.aralez.dataplane.policy;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * {@code x4xx_limit}: a client whose requests produced more than N 4xx responses within one second
 * gets 429 until it has been quiet for a full second (as the original). Our own 429s are not
 * counted, so the cool-down ends. Memory is bounded like {@link RateLimiter}.
 */
public final class ErrorLimiter {
  private static final long SECOND = 1_000_000_000L;

  private final Map<String, Window> windows = new ConcurrentHashMap<>();
  private final int maxKeys;
  private final LongSupplier nanos;

  public ErrorLimiter(int maxKeys, LongSupplier nanos) {
    this.maxKeys = maxKeys;
    this.nanos = nanos;
  }

  /** 0 when the client may proceed, else nanoseconds of cool-down left. */
  public long blockedFor(String key) {
    Window w = windows.get(key);
    return w == null ? 0 : w.blockedFor(nanos.getAsLong());
  }

  /** Counts a 4xx answer (never our own 429). */
  public void record(String key, long limit) {
    long now = nanos.getAsLong();
    windows.computeIfAbsent(key, k -> new Window(now)).record(limit, now);
    if (windows.size() > maxKeys) {
      // Quiet clients first; if that is not enough, arbitrary ones (forgetting a count is safe).
      windows.values().removeIf(w -> w.idle(now));
      var it = windows.keySet().iterator();
      int excess = windows.size() - maxKeys * 9 / 10;
      while (excess-- > 0 && it.hasNext()) {
        it.next();
        it.remove();
      }
    }
  }

  public int size() {
    return windows.size();
  }

  private static final class Window {
    private long start;
    private long count;
    private long blockedUntil;
    private long lastSeen;

    Window(long now) {
      start = now;
      lastSeen = now;
    }

    synchronized void record(long limit, long now) {
      if (now - start >= SECOND) {
        start = now;
        count = 0;
      }
      count++;
      lastSeen = now;
      if (count > limit) {
        blockedUntil = now + SECOND;
      }
    }

    synchronized long blockedFor(long now) {
      return Math.max(0, blockedUntil - now);
    }

    synchronized boolean idle(long now) {
      return now - lastSeen > 2 * SECOND && now >= blockedUntil;
    }
  }
}
