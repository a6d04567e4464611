package io.aralez.dataplane.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ProxyMetricsTest {
  @Test
  void requestsAreCountedPerLabelSet() {
    ProxyMetrics metrics = new ProxyMetrics();
    metrics.request("a.test", "/", "GET", 200, false, 1_000_000);
    metrics.request("a.test", "/", "GET", 204, false, 1_000_000);
    metrics.request("a.test", "/", "GET", 200, true, 1_000_000);
    metrics.request("a.test", "/api", "PROPFIND", 404, false, 1_000_000);
    metrics.request("b.test", "/", "DELETE", 503, false, 1_000_000);
    String text = metrics.scrape();

    assertThat(count(text, "a.test", "GET", "1.1", "/", "2xx")).isEqualTo(2);
    assertThat(count(text, "a.test", "GET", "2", "/", "2xx")).isEqualTo(1);
    assertThat(count(text, "a.test", "OTHER", "1.1", "/api", "4xx")).isEqualTo(1);
    assertThat(count(text, "b.test", "DELETE", "1.1", "/", "5xx")).isEqualTo(1);
    assertThat(text).doesNotContain("PROPFIND");
    assertThat(text).contains("aralez_request_duration_seconds_count 5");
  }

  @Test
  void garbageCollectionsAreReadAtScrapeTimeWithoutGcNotifications() {
    ProxyMetrics metrics = new ProxyMetrics();
    System.gc();
    String text = metrics.scrape();
    Matcher m =
        Pattern.compile("jvm_gc_collections_total\\{gc=\"[^\"]+\"} ([0-9.]+)").matcher(text);
    double total = 0;
    while (m.find()) {
      total += Double.parseDouble(m.group(1));
    }
    assertThat(total).as(text).isGreaterThanOrEqualTo(1);
    assertThat(text).contains("jvm_gc_collection_seconds_total{gc=");
    // Micrometer's JvmGcMetrics meters: it listens to every collection's JMX notification, which
    // kept the JIT compiling on the proxy's core (bench/README.md, the p99 tail).
    assertThat(text).doesNotContain("jvm_gc_pause").doesNotContain("jvm_gc_max_data_size");
  }

  private static double count(
      String text, String host, String method, String proto, String route, String cls) {
    Matcher m =
        Pattern.compile(
                "aralez_requests_total\\{host=\""
                    + Pattern.quote(host)
                    + "\",method=\""
                    + method
                    + "\",protocol=\""
                    + Pattern.quote(proto)
                    + "\",route=\""
                    + Pattern.quote(route)
                    + "\",status_class=\""
                    + cls
                    + "\"} ([0-9.E]+)")
            .matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }
}
