package io.aralez.controller.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DebouncerTest {
  @Test
  void aBurstRunsOnceAndASteadyStreamStillRunsByTheMaximum() throws Exception {
    ScheduledExecutorService ex = Executors.newSingleThreadScheduledExecutor();
    try {
      AtomicInteger runs = new AtomicInteger();
      Debouncer d =
          new Debouncer(ex, runs::incrementAndGet, Duration.ofMillis(100), Duration.ofMillis(500));
      for (int i = 0; i < 20; i++) {
        d.signal();
      }
      Thread.sleep(300);
      assertThat(runs.get()).isEqualTo(1);
      // Signals every 50 ms for 1.2 s: the 100 ms holdoff never elapses, the 500 ms cap fires.
      runs.set(0);
      for (int i = 0; i < 24; i++) {
        d.signal();
        Thread.sleep(50);
      }
      assertThat(runs.get()).isBetween(2, 3);
    } finally {
      ex.shutdownNow();
    }
  }
}
