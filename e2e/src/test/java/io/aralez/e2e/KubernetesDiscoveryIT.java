package io.aralez.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The original's Kubernetes provider ({@code provider: kubernetes} with {@code services}): the real
 * {@code bin/aralez} watches EndpointSlices on the fabric8 mock API server (CRUD mode; there is no
 * kube-apiserver here) and routes their ready endpoints, with no controller.
 */
@Tag("catalogue-3")
class KubernetesDiscoveryIT {
  private static final String NS = "shop";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir Path dir;

  private static KubernetesMockServer mock(int port) throws Exception {
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(List.of()),
            false);
    server.init(InetAddress.getByName("127.0.0.1"), port);
    return server;
  }

  private static KubernetesClient client(int port) {
    return new KubernetesClientBuilder()
        .withConfig(
            new ConfigBuilder(Config.empty())
                .withMasterUrl("http://127.0.0.1:" + port)
                .withNamespace(NS)
                .build())
        .build();
  }

  private static void slice(KubernetesClient k8s, String service, String name, int port) {
    k8s.resource(Fixtures.localSlice(NS, service, name, port)).createOr(c -> c.update());
  }

  private static HttpResponse<String> get(int port, String host, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Host", host)
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static Set<String> pods(int port, String host, int requests) throws Exception {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < requests; i++) {
      HttpResponse<String> r = get(port, host, "/");
      seen.add(r.statusCode() == 200 ? r.body().split(" ")[0] : String.valueOf(r.statusCode()));
    }
    return seen;
  }

  @Test
  void listedServicesAreRoutedFromTheirEndpointSlicesAndSurviveAnApiServerOutage()
      throws Exception {
    KubernetesMockServer api = mock(0);
    int apiPort = api.getPort();
    try (TcpRelay relay = new TcpRelay(Processes.freePort(), apiPort);
        Processes processes = new Processes(Path.of("target/e2e-logs-k8s-discovery"));
        Backend a = new Backend("pod-a");
        Backend b = new Backend("pod-b");
        KubernetesClient k8s = client(apiPort)) {
      slice(k8s, "web", "web-a", a.port());
      // A slice of another Service: not listed, never routed.
      slice(k8s, "other", "other-1", b.port());
      Path token = dir.resolve("token");
      Files.writeString(token, "sa-token\n");
      int proxy = Processes.freePort();
      int admin = Processes.freePort();
      Files.writeString(
          dir.resolve("main.yaml"),
          ("proxy_address_http: 127.0.0.1:%d\nconfig_address: 127.0.0.1:%d\n"
                  + "upstreams_conf: upstreams.yaml\nthreads: 1\nhc_interval: 1s\n")
              .formatted(proxy, admin));
      Files.writeString(
          dir.resolve("upstreams.yaml"),
          """
          provider: kubernetes
          client_headers: ["X-Mode:discovery"]
          kubernetes:
            servers: ["http://127.0.0.1:%d"]
            tokenpath: %s
            namespace: %s
            services:
              - {hostname: web.test, upstream: web}
          """
              .formatted(relay.port(), token, NS));
      processes.start(
          "aralez",
          Map.of("ARALEZ_NO_PRIVDROP", "1"),
          "bin/aralez",
          "-c",
          dir.resolve("main.yaml").toString());
      await()
          .atMost(Duration.ofSeconds(90))
          .ignoreExceptions()
          .until(() -> get(admin, "x", "/readyz").statusCode() == 200);

      assertThat(pods(proxy, "web.test", 4)).containsExactly("pod-a");
      assertThat(get(proxy, "web.test", "/").headers().firstValue("X-Mode")).hasValue("discovery");

      // A new ready endpoint is routed within about a second (watch, not a 5 s poll).
      long t0 = System.nanoTime();
      slice(k8s, "web", "web-b", b.port());
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> pods(proxy, "web.test", 6).contains("pod-b"));
      System.out.printf(
          "kubernetes discovery: new EndpointSlice routed in %d ms%n",
          (System.nanoTime() - t0) / 1_000_000);
      k8s.discovery().v1().endpointSlices().inNamespace(NS).withName("web-a").delete();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> pods(proxy, "web.test", 6).equals(Set.of("pod-b")));

      // The API server becomes unreachable (the data plane reaches it through a relay that is cut):
      // the last good backends keep serving, and it is reported.
      relay.cut();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> get(admin, "x", "/status?sources").body().contains("\"ok\":false"));
      assertThat(pods(proxy, "web.test", 4)).containsExactly("pod-b");
      assertThat(get(admin, "x", "/readyz").body()).contains("kubernetes discovery failing");

      // Reachable again: the watch resumes (from its resourceVersion) and follows changes. (A real
      // API server would also replay what changed during the outage; the mock's watches send only
      // new events, so the changes are made after the restore.)
      relay.restore();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> get(admin, "x", "/status?sources").body().contains("\"ok\":true"));
      slice(k8s, "web", "web-a", a.port());
      k8s.discovery().v1().endpointSlices().inNamespace(NS).withName("web-b").delete();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> pods(proxy, "web.test", 6), org.hamcrest.Matchers.equalTo(Set.of("pod-a")));
    } finally {
      api.destroy();
    }
  }
}
