package io.aralez.dataplane.metrics;

import io.aralez.dataplane.runtime.ActiveConfig;
import io.aralez.dataplane.runtime.Candidate;
import io.aralez.dataplane.runtime.ConfigHolder;
import io.aralez.dataplane.runtime.ConfigIntake;
import io.aralez.dataplane.source.discovery.DiscoveryHealth;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.util.internal.PlatformDependent;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The {@code aralez_*} metrics, exposed as Prometheus text on the admin API. Requests are counted
 * by {@link RequestMeter} under their label values (hosts and routes come from the config, methods
 * are normalised), so cardinality stays bounded and the hot path allocates no meter.
 */
public final class ProxyMetrics {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new PrometheusRegistry(), Clock.SYSTEM);

  private final RequestMeter requests =
      new RequestMeter(Duration.ofMillis(1), Duration.ofSeconds(60));

  private final ConcurrentHashMap<String, Counter> rejections = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Integer, Counter> errorPages = new ConcurrentHashMap<>();
  // FunctionCounter holds its state object weakly: a method reference passed in would be
  // collected and the counter would read NaN. These keep them alive as long as the registry.
  private final List<Object> held = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final ConcurrentHashMap<String, Counter> upstreamErrors = new ConcurrentHashMap<>();
  private final Counter retries;
  private final Counter tlsOk;
  private final Counter passthroughRelayed;
  private final Counter passthroughFailed;
  private final Counter tlsFailed;
  private final MultiGauge backends;
  private final MultiGauge expiry;
  private final MultiGauge queued;
  private final MultiGauge inFlight;
  private final ConcurrentHashMap<String, Counter> acmeOrders = new ConcurrentHashMap<>();
  private volatile Supplier<List<io.aralez.dataplane.tls.Certificates.Loaded>> served;
  private final java.util.concurrent.atomic.AtomicReference<ActiveConfig> pendingBackends =
      new java.util.concurrent.atomic.AtomicReference<>();
  private final java.util.concurrent.ExecutorService metricsThread =
      java.util.concurrent.Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "aralez-metrics");
            t.setDaemon(true);
            return t;
          });

  public ProxyMetrics() {
    registry.getPrometheusRegistry().register(requests);
    retries = Counter.builder("aralez_upstream_retries").register(registry);
    tlsOk = Counter.builder("aralez_tls_handshakes").tag("result", "ok").register(registry);
    tlsFailed = Counter.builder("aralez_tls_handshakes").tag("result", "failed").register(registry);
    passthroughRelayed =
        Counter.builder("aralez_passthrough_connections")
            .description("TLS connections relayed undecrypted by SNI (ssl-passthrough)")
            .tag("result", "relayed")
            .register(registry);
    passthroughFailed =
        Counter.builder("aralez_passthrough_connections")
            .tag("result", "failed")
            .register(registry);
    expiry =
        MultiGauge.builder("aralez_certificate_expiry_seconds")
            .description("Seconds until a served certificate expires (negative: expired)")
            .register(registry);
    queued =
        MultiGauge.builder("aralez_backend_queued_requests")
            .description("Requests waiting for a place at a backend at its max_connections")
            .register(registry);
    inFlight =
        MultiGauge.builder("aralez_backend_in_flight_requests")
            .description("Requests holding a place at a backend with max_connections")
            .register(registry);
    backends =
        MultiGauge.builder("aralez_backend_up")
            .description("1 when the backend is in rotation")
            .register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    GcCounters.bindTo(registry, held);
    new JvmThreadMetrics().bindTo(registry);
    Gauge.builder("aralez_netty_direct_memory_bytes", PlatformDependent::usedDirectMemory)
        .register(registry);
  }

  /**
   * Config candidates per source and result, and backend health, read at scrape time.
   *
   * @param sources the kinds of source this process runs
   */
  public void bind(ConfigIntake intake, java.util.Set<Candidate.Kind> sources) {
    ConfigHolder holder = intake.holder();
    for (Candidate.Kind kind : sources) {
      for (ConfigIntake.Result result : ConfigIntake.Result.values()) {
        FunctionCounter.builder("aralez_config_reloads", intake, i -> i.count(kind, result))
            .description("Config candidates by source and what became of them")
            .tag("source", kind.label())
            .tag("result", result.label())
            .register(registry);
      }
    }
    // Off the swap path: with tens of thousands of backends the rows take long to register, and a
    // config swap (and the controller's ACK) must not wait for metrics. Latest config wins.
    holder.addListener(
        c -> {
          if (pendingBackends.getAndSet(c) == null) {
            metricsThread.execute(() -> backends(pendingBackends.getAndSet(null)));
          }
        });
    backends(holder.current());
  }

  /** Failed calls of a discovery provider, by reason. */
  public void discovery(DiscoveryHealth health) {
    for (String reason :
        new String[] {
          "unreachable", "timeout", "forbidden", "server_error", "bad_response", "api_error", "tls"
        }) {
      FunctionCounter.builder(
              "aralez_discovery_errors", health, h -> h.errorCounts().getOrDefault(reason, 0L))
          .description("Failed calls to the discovery provider")
          .tag("provider", health.provider())
          .tag("reason", reason)
          .register(registry);
    }
  }

  /** Certificate pairs that failed to load (a kept previous pair still counts as a failure). */
  public void certificateFailures(Supplier<Number> failures) {
    held.add(failures);
    FunctionCounter.builder(
            "aralez_certificate_load_failures", failures, s -> s.get().doubleValue())
        .description("Certificate pairs that failed to load")
        .register(registry);
  }

  public void accessLogDrops(Supplier<Number> dropped) {
    held.add(dropped);
    FunctionCounter.builder("aralez_access_log_dropped", dropped, s -> s.get().doubleValue())
        .register(registry);
  }

  /** An ACME order ended: {@code issued} or {@code failed}. */
  public void acmeOrder(String result) {
    acmeOrders
        .computeIfAbsent(
            result, r -> Counter.builder("aralez_acme_orders").tag("result", r).register(registry))
        .increment();
  }

  /**
   * {@code aralez_certificate_expiry_seconds{name}} for every certificate served, whatever its
   * source: operators alert on it. Read at each scrape, so reloads need no bookkeeping.
   */
  public void certificates(Supplier<List<io.aralez.dataplane.tls.Certificates.Loaded>> served) {
    this.served = served;
  }

  private void refreshCertificates() {
    var s = served;
    if (s == null) {
      return;
    }
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    for (var loaded : s.get()) {
      java.time.Instant end = loaded.notAfter();
      rows.add(
          MultiGauge.Row.of(
              Tags.of("name", loaded.name()),
              () -> java.time.Duration.between(java.time.Instant.now(), end).toSeconds()));
    }
    expiry.register(rows, true);
  }

  public void connections(Supplier<Number> open) {
    Gauge.builder("aralez_active_connections", open).register(registry);
  }

  private void backends(ActiveConfig active) {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    // Per address: the cap and its queue are shared by every route listing the backend.
    java.util.Map<String, io.aralez.dataplane.upstream.BackendGate> gates =
        new java.util.TreeMap<>();
    for (var vh : active.config().hosts()) {
      for (var route : vh.routes()) {
        var entry = active.router().entry(route);
        for (int i = 0; i < entry.size(); i++) {
          int index = i;
          rows.add(
              MultiGauge.Row.of(
                  Tags.of(
                      "host",
                      vh.name(),
                      "path",
                      route.id().substring(route.host().length()),
                      "backend",
                      entry.backend(i).address().toString()),
                  entry,
                  e -> e.usable(index) ? 1 : 0));
          gates.put(entry.backend(i).address().toString(), entry.state(i).gate());
        }
      }
    }
    backends.register(rows, true);
    List<MultiGauge.Row<?>> waiting = new ArrayList<>();
    List<MultiGauge.Row<?>> busy = new ArrayList<>();
    gates.forEach(
        (address, gate) -> {
          waiting.add(
              MultiGauge.Row.of(
                  Tags.of("backend", address),
                  gate,
                  io.aralez.dataplane.upstream.BackendGate::queued));
          busy.add(
              MultiGauge.Row.of(
                  Tags.of("backend", address),
                  gate,
                  io.aralez.dataplane.upstream.BackendGate::inFlight));
        });
    queued.register(waiting, true);
    inFlight.register(busy, true);
  }

  /** One answered request (any thread; see {@link RequestMeter}). */
  public void request(
      String host, String route, String method, int status, boolean http2, long nanos) {
    requests.record(host, route, method, status, http2, nanos);
  }

  /** A request refused by a policy: {@code rate_limit}, {@code x4xx_limit} or an auth type. */
  public void rejected(String reason) {
    rejections
        .computeIfAbsent(
            reason,
            r ->
                Counter.builder("aralez_rejections")
                    .tag("reason", r.toLowerCase(Locale.ROOT))
                    .register(registry))
        .increment();
  }

  public void upstreamConnectError(String backend) {
    upstreamErrors
        .computeIfAbsent(
            backend,
            b ->
                Counter.builder("aralez_upstream_connect_errors")
                    .tag("backend", b)
                    .register(registry))
        .increment();
  }

  /** An upstream answer with {@code status} replaced by an error page (400-599: bounded). */
  public void errorPage(int status) {
    errorPages
        .computeIfAbsent(
            status,
            c ->
                Counter.builder("aralez_error_pages")
                    .tag("code", Integer.toString(c))
                    .register(registry))
        .increment();
  }

  /** A mirrored copy of a request: {@code sent}, or why it was skipped. */
  public void mirror(String result) {
    rejections
        .computeIfAbsent(
            "mirror/" + result,
            r -> Counter.builder("aralez_mirror_requests").tag("result", result).register(registry))
        .increment();
  }

  public void retry() {
    retries.increment();
  }

  public void tlsHandshake(boolean ok) {
    (ok ? tlsOk : tlsFailed).increment();
  }

  /** A passed-through connection reached a backend ({@code ok}) or was closed for want of one. */
  public void passthrough(boolean ok) {
    (ok ? passthroughRelayed : passthroughFailed).increment();
  }

  public String scrape() {
    refreshCertificates();
    return registry.scrape();
  }
}
