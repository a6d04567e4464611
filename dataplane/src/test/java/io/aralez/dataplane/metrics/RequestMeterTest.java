package io.aralez.dataplane.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The per-thread request meter writes what Micrometer's counter and timer wrote for the same
 * requests (the text users' dashboards read), loses no count to threads counting at once, and
 * forgets its maximum after two minutes as Micrometer did.
 */
class RequestMeterTest {
  private static final Duration MIN = Duration.ofMillis(1);
  private static final Duration MAX = Duration.ofSeconds(60);

  /** The meter alone in a registry, scraped as text. */
  private static String scrape(RequestMeter meter) {
    PrometheusMeterRegistry registry =
        new PrometheusMeterRegistry(
            PrometheusConfig.DEFAULT, new PrometheusRegistry(), Clock.SYSTEM);
    registry.getPrometheusRegistry().register(meter);
    return registry.scrape();
  }

  /** The sample lines of the request metrics, without comments, sorted. */
  private static List<String> samples(String text) {
    return Arrays.stream(text.split("\n"))
        .filter(l -> l.startsWith("aralez_request"))
        .sorted()
        .toList();
  }

  @Test
  void writesWhatMicrometersCounterAndTimerWroteForTheSameRequests() {
    long[] durations = {
      0,
      999_999,
      1_000_000,
      1_000_001,
      1_500_000,
      2_097_151,
      2_097_152,
      250_000_000,
      2_000_000_000L,
      59_999_999_999L,
      60_000_000_000L,
      61_000_000_000L,
      3_600_000_000_000L
    };
    String[][] labels = {
      {"a.test", "/", "GET", "200", "1.1"},
      {"a.test", "/", "GET", "204", "1.1"},
      {"a.test", "/", "GET", "200", "2"},
      {"a.test", "/api", "PROPFIND", "404", "1.1"},
      {"b.test", "/", "DELETE", "503", "1.1"},
      {"b.test", "/x", "HEAD", "101", "2"},
    };
    RequestMeter meter = new RequestMeter(MIN, MAX);
    PrometheusMeterRegistry micrometer =
        new PrometheusMeterRegistry(
            PrometheusConfig.DEFAULT, new PrometheusRegistry(), Clock.SYSTEM);
    Timer timer =
        Timer.builder("aralez_request_duration")
            .publishPercentileHistogram()
            .minimumExpectedValue(MIN)
            .maximumExpectedValue(MAX)
            .register(micrometer);
    for (int i = 0; i < durations.length * 3; i++) {
      String[] l = labels[i % labels.length];
      int status = Integer.parseInt(l[3]);
      boolean h2 = l[4].equals("2");
      long d = durations[i % durations.length];
      meter.record(l[0], l[1], l[2], status, h2, d);
      String method = List.of("GET", "HEAD", "DELETE").contains(l[2]) ? l[2] : "OTHER";
      Counter.builder("aralez_requests")
          .tags("host", l[0], "route", l[1], "method", method)
          .tags("status_class", status / 100 + "xx", "protocol", l[4])
          .register(micrometer)
          .increment();
      timer.record(d, TimeUnit.NANOSECONDS);
    }
    List<String> ours = samples(scrape(meter));
    assertThat(ours).isEqualTo(samples(micrometer.scrape()));
    // 73 bounds and +Inf, count, sum, max; 5 series (200 and 204 on one route are both 2xx).
    assertThat(ours).contains("aralez_request_duration_seconds_count 39").hasSize(74 + 3 + 5);
  }

  @Test
  void beforeTheFirstRequestTheHistogramIsThereAndEmpty() {
    String text = scrape(new RequestMeter(MIN, MAX));
    assertThat(text)
        .contains("aralez_request_duration_seconds_count 0")
        .contains("aralez_request_duration_seconds_bucket{le=\"+Inf\"} 0")
        .contains("aralez_request_duration_seconds_max 0.0")
        .doesNotContain("aralez_requests_total{");
  }

  @Test
  void threadsCountingAtOnceLoseNothing() throws Exception {
    RequestMeter meter = new RequestMeter(MIN, MAX);
    ExecutorService loops = Executors.newFixedThreadPool(4);
    for (int t = 0; t < 4; t++) {
      loops.execute(
          () -> {
            for (int i = 0; i < 10_000; i++) {
              meter.record("a.test", "/", "GET", 200 + i % 2, false, 2_000_000);
            }
          });
    }
    loops.shutdown();
    assertThat(loops.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    String text = scrape(meter);
    assertThat(text)
        .contains(
            "aralez_requests_total{host=\"a.test\",method=\"GET\",protocol=\"1.1\",route=\"/\","
                + "status_class=\"2xx\"} 40000")
        .contains("aralez_request_duration_seconds_count 40000")
        .contains("aralez_request_duration_seconds_sum 80.0");
  }

  @Test
  void theMaximumCoversTheLastTwoMinutesAtLeastAndThenIsForgotten() {
    AtomicLong now = new AtomicLong(1_000 * 1_000_000_000L);
    RequestMeter meter = new RequestMeter(MIN, MAX, now::get);
    meter.record("a.test", "/", "GET", 200, false, 5_000_000_000L);
    now.addAndGet(Duration.ofSeconds(41).toNanos());
    meter.record("a.test", "/", "GET", 200, false, 1_000_000);
    assertThat(scrape(meter)).contains("aralez_request_duration_seconds_max 5.0");
    now.addAndGet(Duration.ofSeconds(40).toNanos());
    // 81 s after the 5 s request: still inside the three windows.
    assertThat(scrape(meter)).contains("aralez_request_duration_seconds_max 5.0");
    now.addAndGet(Duration.ofSeconds(40).toNanos());
    // 121 s: the window of the 5 s request is gone; the 1 ms one (80 s ago) is still there.
    assertThat(scrape(meter)).contains("aralez_request_duration_seconds_max 0.001");
    now.addAndGet(Duration.ofSeconds(80).toNanos());
    assertThat(scrape(meter)).contains("aralez_request_duration_seconds_max 0.0");
    // A new window's first request replaces what the slot held three windows ago.
    meter.record("a.test", "/", "GET", 200, false, 3_000_000);
    assertThat(scrape(meter)).contains("aralez_request_duration_seconds_max 0.003");
    // Within a window a shorter request leaves the largest; a longer one replaces it.
    meter.record("a.test", "/", "GET", 200, false, 1_000_000);
    assertThat(scrape(meter)).contains("aralez_request_duration_seconds_max 0.003");
    meter.record("a.test", "/", "GET", 200, false, 4_000_000);
    assertThat(scrape(meter)).contains("aralez_request_duration_seconds_max 0.004");
  }

  /** System.nanoTime may be negative: windows before zero count the same way. */
  @Test
  void theMaximumWorksOnANegativeClock() {
    AtomicLong now = new AtomicLong(-Duration.ofSeconds(100).toNanos());
    RequestMeter meter = new RequestMeter(MIN, MAX, now::get);
    meter.record("a.test", "/", "GET", 200, false, 2_000_000);
    meter.record("a.test", "/", "GET", 200, false, 1_000_000);
    assertThat(scrape(meter)).contains("aralez_request_duration_seconds_max 0.002");
    now.addAndGet(Duration.ofSeconds(41).toNanos());
    meter.record("a.test", "/", "GET", 200, false, 1_000_000);
    assertThat(scrape(meter)).contains("aralez_request_duration_seconds_max 0.002");
    now.addAndGet(Duration.ofSeconds(120).toNanos());
    meter.record("a.test", "/", "GET", 200, false, 1_000_000);
    assertThat(scrape(meter)).contains("aralez_request_duration_seconds_max 0.001");
  }
}
