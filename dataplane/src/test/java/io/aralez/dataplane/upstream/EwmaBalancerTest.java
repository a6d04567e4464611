package io.aralez.dataplane.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.dataplane.config.HostPort;
import io.aralez.dataplane.config.ProxyConfig.Backend;
import io.aralez.dataplane.net.DispatchClock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** load-balance: ewma — the score, its decay, and the balancer's power of two choices. */
class EwmaBalancerTest {
  static final long MS = 1_000_000L;

  final BackendRegistry registry = new BackendRegistry();
  final Backend[] backends = {
    new Backend(HostPort.parse("10.0.0.1:80")),
    new Backend(HostPort.parse("10.0.0.2:80")),
    new Backend(HostPort.parse("10.0.0.3:80"))
  };
  final BackendState[] states = {
    registry.get(backends[0].address()),
    registry.get(backends[1].address()),
    registry.get(backends[2].address())
  };

  Map<Integer, Integer> picks(Balancer b, int n) {
    Map<Integer, Integer> out = new HashMap<>();
    for (int i = 0; i < n; i++) {
      out.merge(b.pickExcept(-1), 1, Integer::sum);
    }
    return out;
  }

  void measured(int backend, long nanos) {
    long now = DispatchClock.now();
    states[backend].latency().begin();
    states[backend].latency().end(nanos, now);
  }

  @Test
  void aSlowerSampleCountsAtOnceAndFasterOnesDecayIntoTheAverage() {
    LatencyScore s = new LatencyScore();
    long t0 = 1_000_000_000_000L;
    s.sample(10 * MS, t0);
    assertThat(s.score(t0)).isEqualTo(10.0 * MS);
    s.sample(200 * MS, t0 + MS);
    assertThat(s.score(t0 + MS))
        .as("peak: the slow sample replaces the average")
        .isEqualTo(200.0 * MS);
    s.sample(10 * MS, t0 + 10_000 * MS);
    // After one time constant a fast sample has pulled the average ~63% of the way down.
    double expected = 200.0 * MS * Math.exp(-1) + 10.0 * MS * (1 - Math.exp(-1));
    assertThat(s.score(t0 + 10_000 * MS))
        .isCloseTo(expected, org.assertj.core.data.Offset.offset(0.001 * expected));
    s.begin();
    s.begin();
    assertThat(s.score(t0 + 10_000 * MS))
        .as("times in flight + 1")
        .isCloseTo(3 * expected, org.assertj.core.data.Offset.offset(0.003 * expected));
  }

  @Test
  void theSlowBackendLosesEveryDrawAndTheOthersShare() {
    measured(0, 2 * MS);
    measured(1, 2 * MS);
    measured(2, 300 * MS);
    Map<Integer, Integer> got = picks(new Balancer(backends, states, false, true), 3000);
    assertThat(got).doesNotContainKey(2);
    // Both fast ones are drawn; which wins a pair of them depends on the nanoseconds between
    // their samples, so only that each gets a fair part is asserted.
    assertThat(got.get(0)).isGreaterThan(500);
    assertThat(got.get(1)).isGreaterThan(500);
  }

  @Test
  void requestsInFlightCountAndUnusableBackendsAreSkipped() {
    measured(0, 5 * MS);
    measured(1, 5 * MS);
    measured(2, 5 * MS);
    for (int i = 0; i < 10; i++) {
      states[0].latency().begin();
    }
    assertThat(picks(new Balancer(backends, states, false, true), 500)).doesNotContainKey(0);
    Backend[] weightless = {backends[0], new Backend(backends[1].address(), 0), backends[2]};
    assertThat(picks(new Balancer(weightless, states, false, true), 500))
        .as("1 is out of rotation, and the busy 0 loses every draw against 2")
        .containsOnlyKeys(2);
  }

  @Test
  void roundRobinIsUnchangedAndIgnoresTheScores() {
    measured(2, 300 * MS);
    Map<Integer, Integer> got = picks(new Balancer(backends, states, false), 300);
    assertThat(got).containsEntry(0, 100).containsEntry(1, 100).containsEntry(2, 100);
  }
}
