package io.aralez.controller;

import io.aralez.controller.snapshot.BuildResult;
import io.aralez.controller.store.SnapshotStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/** The controller's own metrics: builds, published snapshots, data planes, leadership. */
final class ControllerMetrics {
  private final AtomicLong generation = new AtomicLong();
  private final Timer buildTimer;
  private final Counter builds;
  private final MultiGauge snapshotInfo;
  private final MultiGauge nginxAnnotations;

  ControllerMetrics(MeterRegistry registry, SnapshotStore store, BooleanSupplier leader) {
    buildTimer =
        Timer.builder("aralez.controller.build.duration")
            .description("Time to build one snapshot from the caches")
            .register(registry);
    builds = Counter.builder("aralez.controller.snapshots").register(registry);
    Gauge.builder("aralez.controller.snapshot.generation", generation, AtomicLong::get)
        .description("Increases each time a snapshot with a new version is published")
        .register(registry);
    Gauge.builder("aralez.controller.connected.dataplanes", store, s -> s.pods().size())
        .register(registry);
    FunctionCounter.builder("aralez.controller.acks", store, SnapshotStore::acks)
        .register(registry);
    FunctionCounter.builder("aralez.controller.nacks", store, SnapshotStore::nacks)
        .register(registry);
    Gauge.builder("aralez.controller.leader", () -> leader.getAsBoolean() ? 1 : 0)
        .register(registry);
    nginxAnnotations =
        MultiGauge.builder("aralez.controller.nginx.annotations")
            .description(
                "ingress-nginx annotations on served Ingresses, by outcome (honoured, partial,"
                    + " ignored, refused, unknown, invalid)")
            .register(registry);
    snapshotInfo =
        MultiGauge.builder("aralez.controller.snapshot.info")
            .description("1, labelled with the version of the newest snapshot")
            .register(registry);
  }

  /** One build took this long, published or not. */
  void built(long nanos) {
    buildTimer.record(nanos, TimeUnit.NANOSECONDS);
    builds.increment();
  }

  /** A snapshot with a new version was published. */
  void published(BuildResult r) {
    generation.incrementAndGet();
    snapshotInfo.register(List.of(MultiGauge.Row.of(Tags.of("version", r.version()), 1)), true);
    Map<String, Integer> sums = new TreeMap<>();
    r.statuses()
        .values()
        .forEach(st -> st.annotationOutcomes().forEach((k, n) -> sums.merge(k, n, Integer::sum)));
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    sums.forEach((k, n) -> rows.add(MultiGauge.Row.of(Tags.of("outcome", k), n)));
    nginxAnnotations.register(rows, true);
  }
}
