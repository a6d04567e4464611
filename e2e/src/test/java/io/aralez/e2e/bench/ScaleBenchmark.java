package io.aralez.e2e.bench;

import io.aralez.controller.snapshot.BuildResult;
import io.aralez.controller.snapshot.BuilderSettings;
import io.aralez.controller.snapshot.ClusterState;
import io.aralez.controller.snapshot.SnapshotBuilder;
import io.aralez.dataplane.config.ProxyConfig;
import io.aralez.dataplane.runtime.Candidate;
import io.aralez.dataplane.runtime.ConfigHolder;
import io.aralez.dataplane.runtime.ConfigIntake;
import io.aralez.dataplane.source.controller.SnapshotTranslator;
import io.aralez.e2e.Backend;
import io.aralez.e2e.Fixtures;
import io.aralez.e2e.Processes;
import io.aralez.e2e.TestCluster;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Not a test: the scale benchmark of the control plane (bench/controller-scale.sh runs it). N
 * Ingresses, each with its own host, Service and EndpointSlice of E endpoints. Prints the pure
 * build and translation times in this JVM, then runs the real topology (mock API server,
 * bin/aralez- controller, bin/aralez) and measures endpoint-change-to-routed latency and both
 * processes' RSS.
 */
public final class ScaleBenchmark {
  static final String NS = "scale";

  public static void main(String[] args) throws Exception {
    int ingresses = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int perSlice = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    boolean processes = args.length <= 2 || !args[2].equals("--pure-only");
    System.out.printf("%d Ingresses, %d endpoints%n", ingresses, ingresses * perSlice);
    // The mock API server logs every request; 30,000 of them would drown the results.
    java.util.logging.Logger.getLogger("io.fabric8.mockwebserver")
        .setLevel(java.util.logging.Level.WARNING);

    List<IngressClass> classes = List.of(ourClass());
    List<Ingress> ings = new ArrayList<>();
    List<Service> services = new ArrayList<>();
    List<EndpointSlice> slices = new ArrayList<>();
    for (int i = 0; i < ingresses; i++) {
      ings.add(ingress(i));
      services.add(service(i));
      slices.add(slice(i, perSlice, 8080));
    }
    SnapshotBuilder builder = new SnapshotBuilder(BuilderSettings.defaults());
    ClusterState state = new ClusterState(classes, ings, List.of(), services, slices, List.of());
    long[] build = new long[7];
    BuildResult r = null;
    for (int i = 0; i < build.length; i++) {
      long t0 = System.nanoTime();
      r = builder.build(state);
      build[i] = System.nanoTime() - t0;
    }
    System.out.printf(
        "pure build: median %d ms (of %d); routes %d KiB, endpoints %d KiB%n",
        median(build) / 1_000_000,
        build.length,
        r.routes().getSerializedSize() / 1024,
        r.endpoints().getSerializedSize() / 1024);
    long[] fast = new long[7];
    for (int i = 0; i < fast.length; i++) {
      long t0 = System.nanoTime();
      builder.withEndpoints(r, slices);
      fast[i] = System.nanoTime() - t0;
    }
    System.out.printf("endpoints-only rebuild: median %d ms%n", median(fast) / 1_000_000);
    long[] compile = new long[5];
    long[] bind = new long[5];
    long[] apply = new long[5];
    long[] validate = new long[5];
    ConfigIntake intake = new ConfigIntake(new ConfigHolder());
    // As in the real data plane: the metrics listener runs on every swap.
    new io.aralez.dataplane.metrics.ProxyMetrics()
        .bind(intake, java.util.EnumSet.of(Candidate.Kind.CONTROLLER));
    for (int i = 0; i < compile.length; i++) {
      long t0 = System.nanoTime();
      var compiled = SnapshotTranslator.compile(r.routes(), r.version());
      long t1 = System.nanoTime();
      ProxyConfig config = SnapshotTranslator.bind(compiled, r.endpoints(), r.version());
      long t2 = System.nanoTime();
      long tv = System.nanoTime();
      io.aralez.dataplane.config.ConfigValidator.problems(config, false);
      validate[i] = System.nanoTime() - tv;
      t2 = System.nanoTime();
      intake.offer(Candidate.of(Candidate.Kind.CONTROLLER, "bench", config, List.of()));
      long t3 = System.nanoTime();
      // The next round must swap again, not find the same routes.
      intake.offer(
          Candidate.of(
              Candidate.Kind.CONTROLLER,
              "bench",
              new ProxyConfig("bench", "empty", config.sticky(), List.of()),
              List.of()));
      compile[i] = t1 - t0;
      bind[i] = t2 - t1;
      apply[i] = t3 - t2;
    }
    System.out.printf(
        "data plane: routes check+translate median %d ms; endpoints bind %d ms; validate %d ms;"
            + " validate+compile+swap+listeners (from an empty config) %d ms%n",
        median(compile) / 1_000_000,
        median(bind) / 1_000_000,
        median(validate) / 1_000_000,
        median(apply) / 1_000_000);
    if (processes) {
      topology(ingresses, perSlice);
    }
  }

  static void topology(int ingresses, int perSlice) throws Exception {
    Path dir = Files.createTempDirectory("aralez-scale");
    try (TestCluster cluster = TestCluster.open(dir);
        Processes ps = new Processes(Path.of("target/scale-logs"));
        Backend probe = new Backend("probe")) {
      KubernetesClient k8s = cluster.client();
      k8s.resource(ourClass()).create();
      k8s.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
          .create();
      long t0 = System.nanoTime();
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<?>> pending = new ArrayList<>();
      for (int i = 0; i < ingresses; i++) {
        int n = i;
        pending.add(
            pool.submit(
                () -> {
                  k8s.resource(service(n)).create();
                  k8s.resource(slice(n, perSlice, 8080)).create();
                  k8s.resource(ingress(n)).create();
                }));
      }
      for (Future<?> f : pending) {
        f.get();
      }
      pool.shutdown();
      System.out.printf(
          "created %d objects in the mock API server in %d s%n",
          ingresses * 3, (System.nanoTime() - t0) / 1_000_000_000);
      int grpc = Processes.freePort();
      int ctlHttp = Processes.freePort();
      int proxy = Processes.freePort();
      int admin = Processes.freePort();
      long start = System.nanoTime();
      Process controller =
          ps.start(
              "controller",
              Map.of(),
              "bin/aralez-controller",
              "--kubeconfig",
              cluster.kubeconfig().toString(),
              "--grpc-address",
              "127.0.0.1:" + grpc,
              "--http-address",
              "127.0.0.1:" + ctlHttp,
              "--leader-election",
              "false");
      Files.writeString(
          dir.resolve("main.yaml"),
          "proxy_address_http: 127.0.0.1:%d\nconfig_address: 127.0.0.1:%d\nupstreams_conf: upstreams.yaml\n"
              .formatted(proxy, admin));
      Files.writeString(
          dir.resolve("upstreams.yaml"),
          "provider: kubernetes\nkubernetes:\n  controller: 127.0.0.1:%d\n".formatted(grpc));
      Process dataplane =
          ps.start(
              "dataplane",
              Map.of("ARALEZ_NO_PRIVDROP", "1"),
              "bin/aralez",
              "-c",
              dir.resolve("main.yaml").toString());
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      String last = "host-" + (ingresses - 1) + ".example.com";
      waitFor(() -> status(http, proxy, last) == 503 || status(http, proxy, last) == 502, 300);
      System.out.printf(
          "controller + data plane start to the last host routed: %d ms%n",
          (System.nanoTime() - start) / 1_000_000);
      // Endpoint changes: point service 0 at the probe backend and back, timing until routed.
      long[] lat = new long[7];
      for (int i = 0; i < lat.length; i++) {
        boolean toProbe = i % 2 == 0;
        long t = System.nanoTime();
        k8s.resource(slice(0, 1, toProbe ? probe.port() : 8080)).update();
        String host = "host-0.example.com";
        waitFor(() -> (status(http, proxy, host) == 200) == toProbe, 30);
        lat[i] = System.nanoTime() - t;
      }
      System.out.printf(
          "endpoint change -> routed by the data plane: median %d ms, max %d ms (%d changes)%n",
          median(lat) / 1_000_000, Arrays.stream(lat).max().getAsLong() / 1_000_000, lat.length);
      // Status writes (the controller's own kind of update) must not rebuild anything.
      double before = builds(http, ctlHttp);
      for (int i = 0; i < 20; i++) {
        var ing = k8s.network().v1().ingresses().inNamespace(NS).withName("ing-" + i).get();
        ing.setStatus(
            new io.fabric8.kubernetes.api.model.networking.v1.IngressStatusBuilder()
                .withNewLoadBalancer()
                .addNewIngress()
                .withIp("198.51.100." + (i + 1))
                .endIngress()
                .endLoadBalancer()
                .build());
        k8s.resource(ing).updateStatus();
      }
      Thread.sleep(3000);
      System.out.printf(
          "20 Ingress status writes -> snapshot builds: %.0f%n", builds(http, ctlHttp) - before);
      System.out.printf(
          "RSS: controller %s, data plane %s%n", rss(controller.pid()), rss(dataplane.pid()));
    }
  }

  static double builds(HttpClient http, int port) throws Exception {
    String body =
        http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    var m =
        java.util.regex.Pattern.compile("(?m)^aralez_controller_snapshots_total (\\S+)$")
            .matcher(body);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  static int status(HttpClient http, int port, String host) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                  .header("Host", host)
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  interface Check {
    boolean ok() throws Exception;
  }

  static void waitFor(Check c, int seconds) throws Exception {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    while (!c.ok()) {
      if (System.nanoTime() > end) {
        throw new IllegalStateException("timed out after " + seconds + " s");
      }
      Thread.sleep(10);
    }
  }

  static String rss(long pid) throws Exception {
    String hwm = "?";
    String now = "?";
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmHWM:")) {
        hwm = line.substring(6).trim();
      } else if (line.startsWith("VmRSS:")) {
        now = line.substring(6).trim();
      }
    }
    return now + " (peak " + hwm + ")";
  }

  static long median(long[] v) {
    long[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  static IngressClass ourClass() {
    return Fixtures.ourClass();
  }

  static Ingress ingress(int i) {
    Ingress ing =
        Fixtures.ingress(NS, "ing-" + i, "host-" + i + ".example.com", "/", "svc-" + i, Map.of());
    ing.getMetadata().setCreationTimestamp("2026-01-01T00:00:00Z");
    return ing;
  }

  static Service service(int i) {
    return Fixtures.service(NS, "svc-" + i);
  }

  /** The slice of service i; its endpoints are 127.0.0.x addresses on {@code port}. */
  static EndpointSlice slice(int i, int endpoints, int port) {
    EndpointSliceBuilder b =
        new EndpointSliceBuilder()
            .withNewMetadata()
            .withNamespace(NS)
            .withName("svc-" + i + "-a")
            .withLabels(Map.of("kubernetes.io/service-name", "svc-" + i))
            .endMetadata()
            .withAddressType("IPv4")
            .addNewPort()
            .withName("http")
            .withPort(port)
            .endPort();
    for (int e = 0; e < endpoints; e++) {
      b.addNewEndpoint()
          .withAddresses("127.0." + (i % 250) + "." + (e + 1))
          .withNewConditions()
          .withReady(true)
          .endConditions()
          .endEndpoint();
    }
    return b.build();
  }
}
