package io.aralez.dataplane.metrics;

import io.aralez.dataplane.net.DispatchClock;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.netty.util.concurrent.FastThreadLocal;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;

/**
 * {@code aralez_requests_total} and {@code aralez_request_duration_seconds}, counted by each thread
 * in its own shard and summed when Prometheus scrapes. Every proxied request is counted, so the
 * count must cost next to nothing on the event loop: Micrometer's counter and timer took five
 * atomic read-modify-writes, a clock read and a rotation check per request (~1% of the CPU of a
 * proxied request, bench/README.md), and with several event loops they all write the same cache
 * lines. Here a thread writes only its own shard with plain stores; a scrape reads every shard.
 *
 * <p>The text is what Micrometer wrote for the same meters: the same names, labels, histogram
 * bounds (its percentile-histogram buckets from 1 ms to 60 s) and a maximum over the last two
 * minutes, so dashboards and alerts carry over unchanged.
 */
final class RequestMeter implements MultiCollector {
  private static final String[] METHOD_NAMES = {
    "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "OTHER"
  };

  /** Per method: status class (0-9) × protocol (1.1, 2). */
  private static final int PER_METHOD = 10 * 2;

  /** The maximum covers the last two or three windows of this length (Micrometer: 2 min / 3). */
  private static final long MAX_WINDOW_NANOS = Duration.ofSeconds(40).toNanos();

  private static final String DURATION = "aralez_request_duration_seconds";

  private final long[] boundsNanos;
  private final double[] boundsSeconds;
  private final CopyOnWriteArrayList<Shard> shards = new CopyOnWriteArrayList<>();
  private final FastThreadLocal<Shard> mine =
      new FastThreadLocal<>() {
        @Override
        protected Shard initialValue() {
          Shard s = new Shard(boundsNanos.length + 1);
          shards.add(s);
          return s;
        }
      };

  private final LongSupplier clock;

  RequestMeter(Duration min, Duration max) {
    this(min, max, DispatchClock::now);
  }

  /**
   * @param clock nanoseconds, monotonic (the event being handled's time on an event loop)
   */
  RequestMeter(Duration min, Duration max, LongSupplier clock) {
    this.clock = clock;
    var buckets =
        DistributionStatisticConfig.builder()
            .percentilesHistogram(true)
            .minimumExpectedValue((double) min.toNanos())
            .maximumExpectedValue((double) max.toNanos())
            .build()
            .merge(DistributionStatisticConfig.DEFAULT)
            .getHistogramBuckets(true);
    boundsNanos = buckets.stream().mapToLong(Double::longValue).toArray();
    boundsSeconds = new double[boundsNanos.length + 1];
    for (int i = 0; i < boundsNanos.length; i++) {
      boundsSeconds[i] = boundsNanos[i] / 1e9;
    }
    boundsSeconds[boundsNanos.length] = Double.POSITIVE_INFINITY;
  }

  /** One answered request, on the calling thread's shard. */
  void record(String host, String route, String method, int status, boolean http2, long nanos) {
    Shard s = mine.get();
    var methods = s.methods(host, route);
    int m = methodIndex(method);
    AtomicLongArray cells = methods.get(m);
    if (cells == null) {
      methods.set(m, cells = new AtomicLongArray(PER_METHOD));
    }
    // Status codes are three digits (100-999): the class is the first one.
    increment(cells, (status / 100 % 10) * 2 + (http2 ? 1 : 0), 1);
    long d = Math.max(0, nanos);
    increment(s.buckets, bucket(d), 1);
    increment(s.sumAndMax, 0, d);
    s.max(Math.floorDiv(clock.getAsLong(), MAX_WINDOW_NANOS), d);
  }

  /** The shard's single writer: no read-modify-write, only a store a scrape sees whole. */
  private static void increment(AtomicLongArray a, int i, long by) {
    a.setOpaque(i, a.getPlain(i) + by);
  }

  /** The first bound at or above {@code nanos} (Micrometer's rule), or the +Inf bucket. */
  private int bucket(long nanos) {
    int i = Arrays.binarySearch(boundsNanos, nanos);
    return i >= 0 ? i : -i - 1;
  }

  private static int methodIndex(String method) {
    return switch (method) {
      case "GET" -> 0;
      case "HEAD" -> 1;
      case "POST" -> 2;
      case "PUT" -> 3;
      case "DELETE" -> 4;
      case "PATCH" -> 5;
      case "OPTIONS" -> 6;
      default -> 7;
    };
  }

  @Override
  public MetricSnapshots collect() {
    long window = Math.floorDiv(clock.getAsLong(), MAX_WINDOW_NANOS);
    long[] buckets = new long[boundsSeconds.length];
    long sum = 0;
    long max = 0;
    // host, route, method, status class, protocol → count; sorted for a stable text.
    TreeMap<List<String>, Long> counts = new TreeMap<>(RequestMeter::compareLabels);
    for (Shard s : shards) {
      for (int i = 0; i < buckets.length; i++) {
        buckets[i] += s.buckets.getOpaque(i);
      }
      sum += s.sumAndMax.getOpaque(0);
      max = Math.max(max, s.max(window));
      s.counts.forEach(
          (host, routes) -> routes.forEach((route, methods) -> add(counts, host, route, methods)));
    }
    var requests = CounterSnapshot.builder().name("aralez_requests").help("Answered requests");
    counts.forEach(
        (labels, n) ->
            requests.dataPoint(
                CounterSnapshot.CounterDataPointSnapshot.builder()
                    .labels(
                        Labels.of(
                            "host", labels.get(0),
                            "route", labels.get(1),
                            "method", labels.get(2),
                            "status_class", labels.get(3),
                            "protocol", labels.get(4)))
                    .value(n)
                    .build()));
    String help = "Time from request head to response head";
    return MetricSnapshots.of(
        requests.build(),
        HistogramSnapshot.builder()
            .name(DURATION)
            .help(help)
            .dataPoint(
                HistogramSnapshot.HistogramDataPointSnapshot.builder()
                    .classicHistogramBuckets(ClassicHistogramBuckets.of(boundsSeconds, buckets))
                    .sum(sum / 1e9)
                    .build())
            .build(),
        GaugeSnapshot.builder()
            .name(DURATION + "_max")
            .help(help)
            .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(max / 1e9).build())
            .build());
  }

  private static void add(
      TreeMap<List<String>, Long> counts,
      String host,
      String route,
      AtomicReferenceArray<AtomicLongArray> methods) {
    for (int m = 0; m < METHOD_NAMES.length; m++) {
      AtomicLongArray cells = methods.get(m);
      for (int c = 0; cells != null && c < PER_METHOD; c++) {
        long n = cells.getOpaque(c);
        if (n > 0) {
          List<String> key =
              List.of(host, route, METHOD_NAMES[m], (c / 2) + "xx", c % 2 == 1 ? "2" : "1.1");
          counts.merge(key, n, Long::sum);
        }
      }
    }
  }

  private static int compareLabels(List<String> a, List<String> b) {
    for (int i = 0; i < a.size(); i++) {
      int c = a.get(i).compareTo(b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  /** One thread's counts; only that thread writes them. */
  private static final class Shard {
    final ConcurrentHashMap<
            String, ConcurrentHashMap<String, AtomicReferenceArray<AtomicLongArray>>>
        counts = new ConcurrentHashMap<>();
    final AtomicLongArray buckets;
    // [0]: the sum of the durations; [1..3]: the largest of each of the last three windows;
    // [4..6]: which window each of those is.
    final AtomicLongArray sumAndMax = new AtomicLongArray(7);

    // The last request's host and route and their cells: a loop's requests mostly repeat them,
    // and two string compares cost less than hashing a fresh host string for two map look-ups.
    private String lastHost;
    private String lastRoute;
    private AtomicReferenceArray<AtomicLongArray> lastMethods;

    AtomicReferenceArray<AtomicLongArray> methods(String host, String route) {
      if (host.equals(lastHost) && route.equals(lastRoute)) {
        return lastMethods;
      }
      var routes = counts.get(host);
      if (routes == null) {
        routes = counts.computeIfAbsent(host, h -> new ConcurrentHashMap<>());
      }
      var methods = routes.get(route);
      if (methods == null) {
        methods =
            routes.computeIfAbsent(route, r -> new AtomicReferenceArray<>(METHOD_NAMES.length));
      }
      lastHost = host;
      lastRoute = route;
      lastMethods = methods;
      return methods;
    }

    Shard(int buckets) {
      this.buckets = new AtomicLongArray(buckets);
      for (int slot = 0; slot < 3; slot++) {
        sumAndMax.set(4 + slot, Long.MIN_VALUE);
      }
    }

    /**
     * Without a branch on purpose: a new window comes once in 40 s and a new largest duration
     * rarely, so the JIT compiled both as never taken, and the first of each recompiled the whole
     * response path this is inlined into (~150 ms of C2 on the loop's core in the middle of a load;
     * bench/README.md, twenty-eighth session).
     */
    void max(long window, long nanos) {
      int slot = (int) Math.floorMod(window, 3L);
      long differs = sumAndMax.getPlain(4 + slot) ^ window;
      // All ones while the slot holds this window, zero once it holds an older one.
      long same = ~((differs | -differs) >> 63);
      // The value first: a scrape that sees a new window (acquire) sees its value too.
      sumAndMax.setOpaque(1 + slot, Math.max(sumAndMax.getPlain(1 + slot) & same, nanos));
      sumAndMax.setRelease(4 + slot, window);
    }

    /** The largest duration of the current window and the two before it. */
    long max(long window) {
      long max = 0;
      for (int slot = 0; slot < 3; slot++) {
        long w = sumAndMax.getAcquire(4 + slot);
        if (w >= window - 2 && w <= window) {
          max = Math.max(max, sumAndMax.getOpaque(1 + slot));
        }
      }
      return max;
    }
  }
}
