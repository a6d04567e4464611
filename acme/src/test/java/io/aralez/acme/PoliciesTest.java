package io.aralez.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("catalogue-2.12")
class PoliciesTest {
  static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

  @Test
  void renewalIsDueInsideTheWindowOrFromTheCasSuggestion() {
    RenewalPolicy p = new RenewalPolicy(Duration.ofDays(30));
    assertThat(p.due(null, Optional.empty(), NOW)).as("no certificate yet").isTrue();
    assertThat(p.due(NOW.plus(Duration.ofDays(31)), Optional.empty(), NOW)).isFalse();
    assertThat(p.due(NOW.plus(Duration.ofDays(29)), Optional.empty(), NOW)).isTrue();
    assertThat(p.due(NOW.plus(Duration.ofDays(60)), Optional.of(NOW.minusSeconds(1)), NOW))
        .as("ARI window started")
        .isTrue();
    assertThat(p.dueAt(NOW.plus(Duration.ofDays(60)), Optional.of(NOW.plus(Duration.ofDays(45)))))
        .as("a later suggestion never delays the window")
        .isEqualTo(NOW.plus(Duration.ofDays(30)));
  }

  @Test
  void backoffDoublesToItsCapAndRespectsRetryAfter() {
    Backoff b = new Backoff(Duration.ofMinutes(1), Duration.ofHours(1));
    assertThat(b.next(1, Optional.empty(), NOW)).isEqualTo(NOW.plusSeconds(60));
    assertThat(b.next(3, Optional.empty(), NOW)).isEqualTo(NOW.plusSeconds(240));
    assertThat(b.next(30, Optional.empty(), NOW)).isEqualTo(NOW.plusSeconds(3600));
    Instant later = NOW.plus(Duration.ofHours(3));
    assertThat(b.next(1, Optional.of(later), NOW)).isEqualTo(later);
  }

  @Test
  void directoriesAreHttpsOrAcmeUris() {
    assertThat(AcmeDirectory.parse(null)).isEqualTo(AcmeDirectory.LETS_ENCRYPT);
    assertThat(AcmeDirectory.parse("acme://letsencrypt.org/staging"))
        .isEqualTo(AcmeDirectory.LETS_ENCRYPT_STAGING);
    assertThat(AcmeDirectory.parse("https://ca.internal/dir").getHost()).isEqualTo("ca.internal");
    assertThatThrownBy(() -> AcmeDirectory.parse("http://ca.internal/dir"))
        .hasMessageContaining("https://");
  }
}
