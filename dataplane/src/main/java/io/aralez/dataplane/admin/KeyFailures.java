package io.aralez.dataplane.admin;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down guessing of the master key: after each wrong key from an address, its next answers are
 * delayed longer (100 ms doubling, up to 5 s), whatever they are. A right key resets it. Bounded:
 * the table is cleared when it grows past its cap.
 */
final class KeyFailures {
  private static final int MAX_ADDRESSES = 10_000;
  private static final long MAX_DELAY_MS = 5_000;
  private final Map<String, Integer> failures = new ConcurrentHashMap<>();

  long delayMillis(String address) {
    Integer n = failures.get(address);
    if (n == null || n == 0) {
      return 0;
    }
    return Math.min(MAX_DELAY_MS, 100L << Math.min(n - 1, 10));
  }

  void failed(String address) {
    if (failures.size() > MAX_ADDRESSES) {
      failures.clear();
    }
    failures.merge(address, 1, Integer::sum);
  }

  void succeeded(String address) {
    failures.remove(address);
  }
}
