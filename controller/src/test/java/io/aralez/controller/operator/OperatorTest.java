package io.aralez.controller.operator;

import static io.aralez.controller.snapshot.Objects.ourClass;
import static io.aralez.controller.snapshot.Objects.p;
import static io.aralez.controller.snapshot.Objects.secret;
import static io.aralez.controller.snapshot.Objects.service;
import static io.aralez.controller.snapshot.Objects.slice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aralez.controller.ControllerHarness;
import io.aralez.controller.snapshot.Objects;
import io.aralez.controller.testing.LeaseAccess;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller on JOSDK against the fabric8 mock API server (CRUD mode; there is no
 * kube-apiserver here), the Operator started as the real process starts it.
 */
@Tag("catalogue-2.14")
class OperatorTest {
  KubernetesMockServer server;
  KubernetesClient client;
  @TempDir Path dir;

  @org.junit.jupiter.api.BeforeEach
  void api() throws Exception {
    server = LeaseAccess.mockServer();
    client = server.createClient();
  }

  @org.junit.jupiter.api.AfterEach
  void stop() {
    client.close();
    server.destroy();
  }

  @Test
  void buildsFromTheEventSourcesWritesStatusAndItsOwnStatusWritesCauseNoRebuild() throws Exception {
    client
        .resource(
            client
                .apiextensions()
                .v1()
                .customResourceDefinitions()
                .load(new File("../crds/aralezroutes.aralez.io-v1.yml"))
                .item())
        .create();
    client.resource(ourClass("aralez", false)).create();
    client.resource(service("ns", "web", "http=80")).create();
    client.resource(slice("ns", "web-1", "web", "http=8080", "10.0.0.1")).create();
    client.resource(secret("ns", "users", "Opaque", Map.of("auth", "a:$2y$05$hash"))).create();
    client.resource(secret("ns", "unrelated", "Opaque", Map.of("x", "y"))).create();
    client
        .resource(
            new Objects.Ing("ns", "shop", "2026-01-01T00:00:00Z")
                .annotation("aralez.io/auth-type", "basic")
                .annotation("aralez.io/auth-secret", "users")
                .rule("shop.example.com", p("Prefix", "/", "web", 80))
                .build())
        .create();

    try (ControllerHarness c =
        ControllerHarness.start(
            dir,
            server,
            "--leader-election",
            "true",
            "--lease-namespace",
            "default",
            "--publish-address",
            "203.0.113.7")) {
      await().atMost(Duration.ofSeconds(90)).until(() -> c.get("/readyz").statusCode() == 200);
      // The reconciler (JOSDK) wrote the Ingress status from the snapshot.
      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> "203.0.113.7".equals(lbIp(ingress("shop"))));
      // Only the referenced Secret is read, by name: no list of Secrets, nothing of "unrelated".
      java.util.List<String> paths = new java.util.ArrayList<>();
      for (int n = server.getRequestCount(); n > 0; n--) {
        var req = server.takeRequest(5, java.util.concurrent.TimeUnit.SECONDS);
        // The controller's reads; the test's own POSTs created the Secrets.
        if (req != null && "GET".equals(req.getMethod())) {
          paths.add(
              java.net.URLDecoder.decode(req.getPath(), java.nio.charset.StandardCharsets.UTF_8));
        }
      }
      assertThat(paths.stream().filter(x -> x.contains("/secrets")))
          .isNotEmpty()
          .allMatch(x -> x.contains("fieldSelector=metadata.name=users"))
          .noneMatch(x -> x.contains("unrelated"));
      String metrics = c.get("/metrics").body();
      assertThat(metrics)
          .contains("aralez_controller_snapshots_total")
          .contains("operator_sdk_reconciliations_executions")
          .contains("operator_sdk_events_received");

      // Quiet now: our own status writes came back as update events and built nothing.
      await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
      double builds = c.metric("aralez_controller_snapshots_total");
      Ingress shop = ingress("shop");
      shop.getStatus().getLoadBalancer().getIngress().get(0).setIp("198.51.100.1");
      client.resource(shop).updateStatus();
      // The reconciler puts our address back (a status write of its own); generous bounds: on a
      // loaded machine the informer and JOSDK threads wait their turn...
      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> "203.0.113.7".equals(lbIp(ingress("shop"))));
      await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> true);
      // ...and neither status write rebuilt the snapshot.
      assertThat(c.metric("aralez_controller_snapshots_total")).isEqualTo(builds);
      // A status already right is not written again: through more than one periodic pass
      // (StatusReconciler.REFRESH), no request writes it.
      drainRequests();
      await()
          .pollDelay(StatusReconciler.REFRESH.plusSeconds(3))
          .atMost(StatusReconciler.REFRESH.plusSeconds(10))
          .until(() -> true);
      assertThat(drainRequests())
          .as("status writes while nothing changed")
          .noneMatch(x -> x.contains("/ingresses/shop/status") && !x.startsWith("GET"));

      // A spec change does rebuild, and so does an EndpointSlice change.
      client.resource(slice("ns", "web-1", "web", "http=8080", "10.0.0.1", "10.0.0.2")).update();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> c.metric("aralez_controller_snapshots_total") > builds);
    }
  }

  /** The requests the mock API server received since the last call, as "METHOD path". */
  private java.util.List<String> drainRequests() throws InterruptedException {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (int n = server.getRequestCount(); n > 0; n--) {
      var req = server.takeRequest(100, java.util.concurrent.TimeUnit.MILLISECONDS);
      if (req == null) {
        break;
      }
      out.add(req.getMethod() + " " + req.getPath());
    }
    return out;
  }

  private Ingress ingress(String name) {
    return client.network().v1().ingresses().inNamespace("ns").withName(name).get();
  }

  private static String lbIp(Ingress i) {
    if (i == null
        || i.getStatus() == null
        || i.getStatus().getLoadBalancer() == null
        || i.getStatus().getLoadBalancer().getIngress() == null
        || i.getStatus().getLoadBalancer().getIngress().isEmpty()) {
      return null;
    }
    return i.getStatus().getLoadBalancer().getIngress().get(0).getIp();
  }
}
