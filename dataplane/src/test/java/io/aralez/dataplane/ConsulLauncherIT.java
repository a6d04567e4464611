package io.aralez.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aralez.dataplane.testing.EchoBackend;
import io.aralez.dataplane.testing.FakeConsul;
import io.aralez.dataplane.testing.FreePort;
import io.aralez.dataplane.testing.Launcher;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code bin/aralez} with {@code provider: consul} against {@link FakeConsul}, and {@code
 * -t} on both discovery provider blocks.
 */
class ConsulLauncherIT {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir Path dir;

  private int writeMain() throws Exception {
    int port = FreePort.get();
    Files.writeString(
        dir.resolve("main.yaml"),
        "proxy_address_http: 127.0.0.1:"
            + port
            + "\nupstreams_conf: upstreams.yaml\nhc_interval: 1s\nhc_rise: 1\nhc_fall: 1\n");
    return port;
  }

  private static int status(int port, String host) {
    try {
      return CLIENT
          .send(
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

  @Test
  void aRegisteredServiceBecomesRoutableAndAnIdleMinuteCostsAlmostNoCalls() throws Exception {
    try (FakeConsul consul = new FakeConsul();
        EchoBackend a = new EchoBackend("a")) {
      int port = writeMain();
      Files.writeString(
          dir.resolve("upstreams.yaml"),
          """
          provider: consul
          consul:
            servers: ["%s"]
            token: t0ken
            services:
              - {hostname: listed.test, upstream: listed}
          """
              .formatted(consul.url()));
      consul.requireToken("t0ken");
      try (Launcher aralez = Launcher.start(dir, Map.of(), "-c", "main.yaml")) {
        aralez.awaitPort(port);
        assertThat(status(port, "listed.test")).isEqualTo(503);

        long t0 = System.nanoTime();
        consul.register("listed", "l-1", "127.0.0.1", a.port());
        await().atMost(Duration.ofSeconds(5)).until(() -> status(port, "listed.test") == 200);
        long routedMs = (System.nanoTime() - t0) / 1_000_000;
        consul.register(
            "auto", "auto-1", "127.0.0.1", a.port(), "aralez.service=yes", "aralez.host=auto.test");
        await().atMost(Duration.ofSeconds(5)).until(() -> status(port, "auto.test") == 200);

        t0 = System.nanoTime();
        consul.status("listed", "l-1", "critical");
        await().atMost(Duration.ofSeconds(5)).until(() -> status(port, "listed.test") == 503);
        long removedMs = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf(
            "consul: registered -> routed in %d ms, critical -> out of rotation in %d ms%n",
            routedMs, removedMs);

        // An idle minute: the blocking queries stay held, so Consul sees almost nothing.
        Thread.sleep(2000);
        int before = consul.callCount();
        Thread.sleep(60_000);
        int idleCalls = consul.callCount() - before;
        System.out.printf(
            "consul: %d calls in an idle minute (%d queries held)%n", idleCalls, consul.held());
        assertThat(idleCalls).isLessThanOrEqualTo(3);
        assertThat(consul.held()).isEqualTo(3);
        assertThat(aralez.output()).doesNotContain("t0ken");
      }
    }
  }

  @Test
  void theBundledDiscoveryExamplesAreValid() throws Exception {
    for (String example : new String[] {"consul", "kubernetes-discovery"}) {
      Launcher.Result r =
          Launcher.run(
              dir,
              "-t",
              "-c",
              Launcher.REPO.resolve("examples/" + example + "/main.yaml").toString());
      assertThat(r.exit()).as(r.output()).isZero();
    }
  }

  @Test
  void testModeChecksBothDiscoveryProviderBlocks() throws Exception {
    writeMain();
    Files.writeString(
        dir.resolve("upstreams.yaml"),
        """
        provider: consul
        consul:
          servers: ["consul:8500"]
          services:
            - {hostname: "a.test", upstream: a, path: nope}
        """);
    Launcher.Result bad = Launcher.run(dir, "-t", "-c", "main.yaml");
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.output())
        .contains("upstreams.yaml:3: consul.servers: 'consul:8500' is not a base URL")
        .contains("upstreams.yaml:5: consul.services[0].path: 'nope'");

    Files.writeString(
        dir.resolve("upstreams.yaml"),
        """
        provider: kubernetes
        kubernetes:
          servers: ["https://10.0.0.1:6443"]
          tokenpath: missing-token
          namespace: Not_A_Namespace
          services:
            - {hostname: a.test}
        """);
    bad = Launcher.run(dir, "-t", "-c", "main.yaml");
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.output())
        .contains("upstreams.yaml:4: kubernetes.tokenpath: cannot read")
        .contains("upstreams.yaml:5: kubernetes.namespace: 'Not_A_Namespace'")
        .contains("kubernetes.services[0].upstream: is required");

    Files.writeString(dir.resolve("token"), "t\n");
    Files.writeString(
        dir.resolve("upstreams.yaml"),
        """
        provider: kubernetes
        kubernetes:
          servers: ["10.0.0.1:6443"]
          tokenpath: token
          namespace: shop
          services:
            - {hostname: a.test, upstream: web}
        """);
    Launcher.Result ok = Launcher.run(dir, "-t", "-c", "main.yaml");
    assertThat(ok.exit()).as(ok.output()).isZero();

    Files.writeString(
        dir.resolve("upstreams.yaml"),
        "provider: kubernetes\nkubernetes:\n  controller: 127.0.0.1:1\n  services: []\n");
    assertThat(Launcher.run(dir, "-t", "-c", "main.yaml").output())
        .contains("'controller' and 'services' exclude each other");
  }
}
