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
