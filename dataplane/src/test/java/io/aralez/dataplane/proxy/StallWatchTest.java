package io.aralez.dataplane.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.dataplane.proxy.StallWatch.Stall;
import org.junit.jupiter.api.Test;

/** The stall decisions on a clock the test moves: read, body and send timeouts. */
class StallWatchTest {
  static final long S = 1_000_000_000L;

  @Test
  void anUpstreamThatTakesNoneOfTheRequestStallsAfterTheSendTimeout() {
    StallWatch w = new StallWatch(60 * S, 60 * S, 5 * S, 0);
    assertThat(w.firstCheck()).isEqualTo(5 * S);
    w.clientActive(1 * S);
    // Blocked since the last write at 1 s, 1 MiB waiting.
    assertThat(w.check(3 * S, false, true, 1 << 20)).isEqualTo(Stall.NONE);
    assertThat(w.nextCheck()).as("a quarter of the timeout").isEqualTo(5 * S / 4);
    assertThat(w.check(5 * S, false, true, 1 << 20)).isEqualTo(Stall.NONE);
    assertThat(w.check(6 * S, false, true, 1 << 20)).isEqualTo(Stall.UPSTREAM);
    assertThat(w.upstreamIdle(6 * S)).isEqualTo(5 * S);
  }

  @Test
  void anUpstreamTakingTheRequestSlowlyIsNotStalled() {
    StallWatch w = new StallWatch(60 * S, 60 * S, 5 * S, 0);
    long pending = 1 << 20;
    for (long t = 1; t <= 40; t++) {
      pending -= 1000;
      assertThat(w.check(t * S, false, true, pending)).as("at %d s", t).isEqualTo(Stall.NONE);
    }
    // Then it stops: five seconds later, a stall.
    assertThat(w.check(44 * S, false, true, pending)).isEqualTo(Stall.NONE);
    assertThat(w.check(45 * S, false, true, pending)).isEqualTo(Stall.UPSTREAM);
  }

  @Test
  void theReadTimeoutStartsWhenSendingEnds() {
    StallWatch w = new StallWatch(10 * S, 60 * S, 5 * S, 0);
    for (long t = 1; t <= 30; t++) {
      assertThat(w.check(t * S, false, true, 1000_000 - t)).isEqualTo(Stall.NONE);
    }
    // Writable again at 30 s, the whole request taken; the answer is awaited.
    assertThat(w.check(35 * S, false, true, -1)).isEqualTo(Stall.NONE);
    assertThat(w.nextCheck()).as("within the send timeout").isLessThanOrEqualTo(5 * S);
    assertThat(w.check(39 * S, false, true, -1)).isEqualTo(Stall.NONE);
    assertThat(w.check(40 * S, false, true, -1)).isEqualTo(Stall.UPSTREAM);
  }

  @Test
  void withoutASendTimeoutAStalledWriteIsBoundedByTheReadTimeout() {
    StallWatch w = new StallWatch(10 * S, 60 * S, 0);
    assertThat(w.check(9 * S, false, true, 500)).isEqualTo(Stall.NONE);
    assertThat(w.check(10 * S, false, true, 500)).isEqualTo(Stall.UPSTREAM);
  }

  @Test
  void aSilentClientBodyIsTheClientsStallAndASlowReaderIsNobodys() {
    StallWatch w = new StallWatch(10 * S, 3 * S, 5 * S, 0);
    assertThat(w.check(2 * S, true, true, -1)).isEqualTo(Stall.NONE);
    assertThat(w.check(3 * S, true, true, -1)).isEqualTo(Stall.CLIENT_BODY);
    StallWatch slowReader = new StallWatch(10 * S, 3 * S, 5 * S, 0);
    for (long t = 5; t <= 100; t += 5) {
      assertThat(slowReader.check(t * S, false, false, -1)).isEqualTo(Stall.NONE);
    }
  }
}
