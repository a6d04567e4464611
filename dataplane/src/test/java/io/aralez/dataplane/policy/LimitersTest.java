package io.aralez.dataplane.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("catalogue-2.10")
class LimitersTest {
  final AtomicLong clock = new AtomicLong(1_000_000_000_000L);

  @Test
  void tokenBucketAllowsTheRateThenWaits() {
    RateLimiter r = new RateLimiter(1000, clock::get);
    for (int i = 0; i < 5; i++) {
      assertThat(r.acquire("a", 5)).isZero();
    }
    long wait = r.acquire("a", 5);
    assertThat(wait).isBetween(1L, 200_000_000L);
    assertThat(r.acquire("b", 5)).as("keys are apart").isZero();
    clock.addAndGet(200_000_000L);
    assertThat(r.acquire("a", 5)).isZero();
    assertThat(r.acquire("a", 5)).isPositive();
  }

  /** nginx's limit_req rate=5r/s burst=25 nodelay: 26 at once, then one every 200 ms. */
  @Test
  void theLeakyBucketIsNginxsWithBurstAndNoDelay() {
    RateLimiter r = new RateLimiter(1000, clock::get);
    for (int i = 0; i < 26; i++) {
      assertThat(r.acquireLeaky("a", 5, 25, true)).as("request %d", i + 1).isZero();
    }
    long wait = r.acquireLeaky("a", 5, 25, true);
    assertThat(wait).isBetween(1L, 200_000_000L);
    assertThat(r.acquireLeaky("a", 5, 25, true))
        .as("a refused request counts for nothing")
        .isEqualTo(wait);
    clock.addAndGet(200_000_000L);
    assertThat(r.acquireLeaky("a", 5, 25, true)).isZero();
    assertThat(r.acquireLeaky("a", 5, 25, true)).isPositive();
    // Idle long enough to drain, a returning client has the burst (25) again, not the new
    // client's extra first request.
    clock.addAndGet(10_000_000_000L);
    for (int i = 0; i < 25; i++) {
      assertThat(r.acquireLeaky("a", 5, 25, true)).isZero();
    }
    assertThat(r.acquireLeaky("a", 5, 25, true)).isPositive();
  }

  @Test
  void aPerMinuteLeakyBucketDrainsOnePerIntervalAndAskingCountsNothing() {
    RateLimiter r = new RateLimiter(1000, clock::get);
    // 6 r/m, multiplier 1: burst 6, so 7 at once, then one per 10 s.
    for (int i = 0; i < 7; i++) {
      assertThat(r.acquireLeaky("m", 0.1, 6, true)).isZero();
    }
    assertThat(r.acquireLeaky("m", 0.1, 6, true)).isBetween(9_000_000_000L, 10_000_000_000L);
    clock.addAndGet(10_000_000_000L);
    assertThat(r.acquireLeaky("m", 0.1, 6, false)).as("only asked").isZero();
    assertThat(r.acquireLeaky("m", 0.1, 6, true)).isZero();
    assertThat(r.acquireLeaky("m", 0.1, 6, true)).isPositive();
    assertThat(r.acquireLeaky("fresh", 0.1, 6, false)).isZero();
    assertThat(r.size()).as("asking does not create a bucket").isEqualTo(1);
  }

  @Test
  void memoryStaysBoundedWithAMillionClients() {
    RateLimiter r = new RateLimiter(10_000, clock::get);
    for (int i = 0; i < 1_000_000; i++) {
      r.acquire("10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255), 10);
      if (i % 1000 == 0) {
        clock.addAndGet(10_000_000L);
        assertThat(r.size()).isLessThanOrEqualTo(10_001);
      }
    }
    ErrorLimiter e = new ErrorLimiter(10_000, clock::get);
    for (int i = 0; i < 200_000; i++) {
      e.record("c" + i, 5);
      clock.addAndGet(100_000L);
    }
    assertThat(e.size()).isLessThanOrEqualTo(10_001);
  }

  @Test
  void errorLimiterBlocksUntilAQuietSecond() {
    ErrorLimiter e = new ErrorLimiter(1000, clock::get);
    for (int i = 0; i < 3; i++) {
      e.record("x", 3);
    }
    assertThat(e.blockedFor("x")).isZero();
    e.record("x", 3);
    assertThat(e.blockedFor("x")).isPositive();
    assertThat(e.blockedFor("y")).isZero();
    clock.addAndGet(1_000_000_001L);
    assertThat(e.blockedFor("x")).isZero();
  }

  @Test
  void clientIdentityTrustsOnlyConfiguredProxies() {
    ClientIdentity none = new ClientIdentity(List.of());
    assertThat(none.resolve("10.0.0.1", List.of("1.2.3.4"), List.of())).isEqualTo("10.0.0.1");
    ClientIdentity id =
        new ClientIdentity(
            List.of(
                io.aralez.dataplane.config.Cidr.parse("10.0.0.0/8"),
                io.aralez.dataplane.config.Cidr.parse("::1")));
    assertThat(id.resolve("10.0.0.1", List.of("6.6.6.6, 1.2.3.4, 10.9.9.9"), List.of()))
        .isEqualTo("1.2.3.4");
    assertThat(id.resolve("192.168.1.1", List.of("1.2.3.4"), List.of())).isEqualTo("192.168.1.1");
    assertThat(id.resolve("::1", List.of(), List.of("for=\"[2001:db8::7]:4711\";proto=https")))
        .isEqualTo("2001:db8::7");
    assertThat(id.resolve("10.0.0.1", List.of("not-an-ip"), List.of())).isEqualTo("10.0.0.1");
    assertThatThrownBy(() -> io.aralez.dataplane.config.Cidr.parse("10.0.0.0/33"))
        .hasMessageContaining("prefix");
    assertThatThrownBy(() -> io.aralez.dataplane.config.Cidr.parse("example.com"))
        .hasMessageContaining("not an IP");
  }
}
