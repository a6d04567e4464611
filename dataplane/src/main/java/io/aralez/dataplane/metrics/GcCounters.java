package io.aralez.dataplane.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

/**
 * Garbage collections per collector, read from the JVM's counters when {@code /metrics} is scraped:
 * {@code jvm_gc_collections_total{gc}} and {@code jvm_gc_collection_seconds_total{gc}}.
 *
 * <p>Not Micrometer's {@code JvmGcMetrics}: it subscribes to the JVM's GC notifications, so every
 * young collection (several per second under load) wakes a notification thread that builds JMX
 * composite data and looks up meters, and that code, run a few times a second, keeps the JIT
 * compiling it minutes into a run. With the proxy pinned to one core, those compilations took the
 * CPU from the event loop in 4 ms scheduler slices: stalls of 2-6 ms, several a second
 * (bench/README.md, "Where the p99 tail came from"). Counters read at scrape time cost nothing
 * between scrapes.
 */
final class GcCounters {
  private GcCounters() {}

  static void bindTo(MeterRegistry registry, java.util.List<Object> held) {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      // The registry holds its state objects weakly; the beans are held by the JVM anyway, but
      // keep them with the other counters' state so nothing depends on that.
      held.add(gc);
      FunctionCounter.builder("jvm_gc_collections", gc, b -> Math.max(0, b.getCollectionCount()))
          .description("Garbage collections by collector")
          .tag("gc", gc.getName())
          .register(registry);
      FunctionCounter.builder(
              "jvm_gc_collection_seconds", gc, b -> Math.max(0, b.getCollectionTime()) / 1000.0)
          .description(
              "Time spent in garbage collections by collector (approximate, ms resolution)")
          .tag("gc", gc.getName())
          .register(registry);
    }
  }
}
