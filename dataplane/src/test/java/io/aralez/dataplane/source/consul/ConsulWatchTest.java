package io.aralez.dataplane.source.consul;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConsulWatchTest {
  @Test
  void indexRulesOfConsulsBlockingQueries() {
    // First answer, and every answer that moves forward: resume from it.
    assertThat(ConsulWatch.nextIndex(0, "42")).isEqualTo(42);
    assertThat(ConsulWatch.nextIndex(42, "57")).isEqualTo(57);
    // Unchanged (the wait ran out): the same index blocks again.
    assertThat(ConsulWatch.nextIndex(57, "57")).isEqualTo(57);
    // Backwards (a restored snapshot, a new leader): start over from 0.
    assertThat(ConsulWatch.nextIndex(57, "12")).isEqualTo(0);
    // Not above 0: 1, so the next call blocks instead of answering at once.
    assertThat(ConsulWatch.nextIndex(0, "0")).isEqualTo(1);
    assertThat(ConsulWatch.nextIndex(0, null)).isEqualTo(1);
    assertThat(ConsulWatch.nextIndex(0, "garbage")).isEqualTo(1);
    assertThat(ConsulWatch.nextIndex(9, "-3")).isEqualTo(0);
  }
}
