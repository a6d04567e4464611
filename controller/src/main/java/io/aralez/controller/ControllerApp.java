package io.aralez.controller;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.aralez.controller.operator.ClusterEvents;
import io.aralez.controller.operator.Debouncer;
import io.aralez.controller.operator.Operators;
import io.aralez.controller.server.SnapshotServer;
import io.aralez.controller.server.TokenAuth;
import io.aralez.controller.server.TokenSecret;
import io.aralez.controller.snapshot.BuildResult;
import io.aralez.controller.snapshot.BuilderSettings;
import io.aralez.controller.snapshot.ClusterState;
import io.aralez.controller.snapshot.SnapshotBuilder;
import io.aralez.controller.status.ReplicaReports;
import io.aralez.controller.status.StatusWriter;
import io.aralez.controller.store.SnapshotStore;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running controller: JOSDK event sources → debounced pure build → {@link SnapshotStore} → gRPC
 * stream (every replica), and statuses written by JOSDK's reconciler on the leader only.
 */
public final class ControllerApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControllerApp.class);
  static final Duration HOLDOFF = Duration.ofMillis(100);
  static final Duration MAX_HOLDOFF = Duration.ofMillis(500);
  static final Duration REPORT_INTERVAL = Duration.ofSeconds(10);

  private final ControllerOptions options;
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ScheduledExecutorService buildThread =
      Executors.newSingleThreadScheduledExecutor(daemon("aralez-build"));
  private final ScheduledExecutorService reportThread =
      Executors.newSingleThreadScheduledExecutor(daemon("aralez-report"));
  private final SnapshotStore store = new SnapshotStore();
  private KubernetesClient client;
  private ClusterEvents events;
  private Operator operator;
  private SnapshotBuilder builder;
  private StatusWriter status;
  private Server grpc;
  private HttpServer http;
  private volatile boolean leader;
  private volatile boolean built;
  // The caches the current snapshot was built from; status compares against them.
  private volatile ClusterState builtFrom;
  private Debouncer rebuild;
  private ControllerMetrics metrics;
  private ReplicaReports reports;
  private io.aralez.controller.acme.ChallengeBoard challenges;
  private io.aralez.controller.acme.CertificateKeeper certificates;
  private TokenSecret tokenSecret;
  private String identity;

  ControllerApp(ControllerOptions options) {
    this.options = options;
  }

  void start() throws IOException {
    client = new KubernetesClientBuilder().withConfig(kubeConfig()).build();
    BuilderSettings settings =
        new BuilderSettings(
            options.controllerName(),
            options.ingressClass(),
            options.watchWithoutClass(),
            options.nginx(),
            options.defaultBackendService());
    builder = new SnapshotBuilder(settings);
    status =
        new StatusWriter(
            client,
            new StatusWriter.Publish(
                options.publishService(), options.publishAddresses(), options.updateStatus()));
    metrics = new ControllerMetrics(registry, store, () -> leader);
    rebuild = new Debouncer(buildThread, this::rebuildNow, HOLDOFF, MAX_HOLDOFF);
    events = new ClusterEvents(settings, options.namespaces(), rebuild::signal);
    store.onPodsChange(events::reconcileSoon);

    identity = System.getenv().getOrDefault("POD_NAME", "aralez-controller-" + UUID.randomUUID());
    if (options.tokenSecret() != null) {
      tokenSecret = new TokenSecret(client, options.leaseNamespace(), options.tokenSecret());
      tokenSecret.start();
    }
    startGrpc();
    startHttp();
    if (options.leaderElection()) {
      reports = new ReplicaReports(client, options.leaseNamespace(), identity);
      // Each replica reports the data planes it serves; the leader sums them up in status.
      reportThread.scheduleWithFixedDelay(
          () -> reports.publish(store.pods()), 0, REPORT_INTERVAL.toSeconds(), TimeUnit.SECONDS);
    } else {
      leader = true;
    }
    if (options.acme() != null) {
      startAcme();
    }
    operator =
        Operators.start(
            client,
            options,
            identity,
            events,
            this::writeStatus,
            registry,
            isLeader -> {
              leader = isLeader;
              if (isLeader) {
                events.reconcileSoon();
              }
            });
    rebuild.signal();
    LOG.info("aralez-controller started (pid {})", ProcessHandle.current().pid());
  }

  /**
   * ACME on the leader: the board puts challenge tokens into every snapshot (and, with several
   * replicas, shares the leader's with the others), the keeper orders into TLS Secrets.
   */
  private void startAcme() {
    challenges =
        new io.aralez.controller.acme.ChallengeBoard(
            store,
            () -> reports != null ? reports.all(store.pods()) : store.pods(),
            () -> {
              events.markRoutesChanged();
              rebuild.signal();
            },
            java.time.Duration.ofSeconds(60));
    if (options.leaderElection()) {
      io.aralez.controller.acme.CertificateKeeper.share(
          client, options.leaseNamespace(), challenges);
    }
    var a = options.acme();
    certificates =
        new io.aralez.controller.acme.CertificateKeeper(
            client,
            new io.aralez.controller.acme.CertificateKeeper.Settings(
                a.directory(),
                a.email(),
                a.caFile(),
                a.renewBefore(),
                a.checkInterval(),
                options.leaseNamespace()),
            challenges,
            new io.aralez.controller.status.EventSink(client),
            () -> leader,
            () -> {
              BuildResult r = store.current();
              return r == null ? java.util.List.of() : r.acmeTargets();
            },
            registry);
    status.certificates(certificates::report);
    certificates.start();
    LOG.info("ACME on: {}", a.directory());
  }

  /** {@code --nginx-report}: prints the migration report and returns the exit code. */
  static int report(ControllerOptions options) {
    try (KubernetesClient c =
        new KubernetesClientBuilder().withConfig(new ControllerApp(options).kubeConfig()).build()) {
      return NginxReport.run(c, options, "json".equals(options.nginxReport()));
    } catch (IOException | RuntimeException e) {
      System.err.println("aralez-controller: cannot read the cluster: " + e.getMessage());
      return 1;
    }
  }

  private Config kubeConfig() throws IOException {
    if (options.kubeconfig() != null) {
      return Config.fromKubeconfig(Files.readString(options.kubeconfig()));
    }
    return Config.autoConfigure(null);
  }

  private void startGrpc() throws IOException {
    SnapshotServer snapshots = new SnapshotServer(store);
    NettyServerBuilder b =
        NettyServerBuilder.forAddress(
                new InetSocketAddress(
                    ControllerOptions.host(options.grpcAddress()),
                    ControllerOptions.port(options.grpcAddress())))
            .permitKeepAliveTime(10, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true)
            .maxInboundMessageSize(1024 * 1024);
    if (options.tlsCert() != null) {
      b.useTransportSecurity(options.tlsCert().toFile(), options.tlsKey().toFile());
    }
    if (options.tokenFile() != null) {
      b.addService(ServerInterceptors.intercept(snapshots, new TokenAuth(options.tokenFile())));
    } else if (tokenSecret != null) {
      b.addService(ServerInterceptors.intercept(snapshots, new TokenAuth(tokenSecret::token)));
    } else {
      LOG.warn("no --token-file: any client that reaches the gRPC port gets the snapshot");
      b.addService(snapshots);
    }
    grpc = b.build().start();
    LOG.info(
        "gRPC listening on {}:{}{}",
        ControllerOptions.host(options.grpcAddress()),
        grpc.getPort(),
        options.tlsCert() != null ? " (TLS)" : "");
  }

  private void startHttp() throws IOException {
    http =
        HttpServer.create(
            new InetSocketAddress(
                ControllerOptions.host(options.httpAddress()),
                ControllerOptions.port(options.httpAddress())),
            16);
    http.createContext(
        "/metrics",
        ex -> reply(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
    http.createContext(
        "/healthz",
        ex -> {
          boolean ok =
              operator == null
                  || (operator.getRuntimeInfo().allEventSourcesAreHealthy()
                      && events.secretsHealthy());
          reply(ex, ok ? 200 : 503, "text/plain", ok ? "ok\n" : "informers not healthy\n");
        });
    http.createContext(
        "/readyz",
        ex -> {
          boolean ok = built && operator != null && operator.getRuntimeInfo().isStarted();
          reply(ex, ok ? 200 : 503, "text/plain", ok ? "ready\n" : "no snapshot yet\n");
        });
    http.setExecutor(Executors.newSingleThreadExecutor(daemon("aralez-http")));
    http.start();
    LOG.info(
        "metrics and probes on http://{}:{}/",
        ControllerOptions.host(options.httpAddress()),
        http.getAddress().getPort());
  }

  private static void reply(HttpExchange ex, int code, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private void rebuildNow() {
    if (operator == null || !events.ready()) {
      return;
    }
    try {
      long t0 = System.nanoTime();
      BuildResult previous = store.current();
      boolean routesChanged = events.takeRoutesChanged();
      ClusterState state = null;
      BuildResult r;
      if (routesChanged || previous == null) {
        state = events.state();
        r = builder.build(state);
      } else {
        // Only EndpointSlices changed: the routes part and statuses stay, endpoints are redone.
        r = builder.withEndpoints(previous, events.endpointSlices());
      }
      if (challenges != null) {
        r = r.withChallenges(challenges.current());
      }
      metrics.built(System.nanoTime() - t0);
      if (previous == null || !previous.version().equals(r.version())) {
        metrics.published(r);
        LOG.info(
            "snapshot {}: {} hosts, {} clusters, {} certificates, built in {} ms{}",
            r.version(),
            r.routes().getVirtualHostsCount(),
            r.routes().getClustersCount(),
            r.routes().getCertificatesCount(),
            (System.nanoTime() - t0) / 1_000_000,
            state == null ? " (endpoints only)" : "");
        store.publish(r);
      }
      if (state != null) {
        builtFrom = state;
        // After the build, not while reading the caches: which Secrets to watch.
        events.followSecrets(state);
      }
      built = true;
      events.reconcileSoon();
      if (certificates != null) {
        certificates.kick();
      }
    } catch (RuntimeException e) {
      // A bug here must not stop the controller: the previous snapshot keeps being served.
      LOG.error("snapshot build failed; the previous one stays", e);
      events.markRoutesChanged();
    }
  }

  /** The reconciler's job (JOSDK runs it on the leader only, one at a time, with retries). */
  private void writeStatus() {
    BuildResult r = store.current();
    ClusterState from = builtFrom;
    if (r == null || from == null) {
      return;
    }
    // The statuses come from the build; the objects they are compared with must be as they are
    // now. A status someone else wrote since the build changes nothing the build reads, so it
    // rebuilds nothing: compared with the objects the build saw, it would never be put back.
    ClusterState now = events.ready() ? events.state() : from;
    status.write(r, now, reports != null ? reports.all(store.pods()) : store.pods());
  }

  @Override
  public void close() {
    if (certificates != null) {
      certificates.close();
    }
    if (operator != null) {
      operator.stop();
    }
    if (reports != null) {
      reports.withdraw();
    }
    if (tokenSecret != null) {
      tokenSecret.close();
    }
    if (grpc != null) {
      grpc.shutdown();
    }
    if (http != null) {
      http.stop(0);
    }
    buildThread.shutdownNow();
    reportThread.shutdownNow();
    if (client != null) {
      client.close();
    }
    LOG.info("stopped");
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
