package io.aralez.controller.watch;

import static io.aralez.controller.snapshot.Objects.ourClass;
import static io.aralez.controller.snapshot.Objects.p;
import static io.aralez.controller.snapshot.Objects.secret;
import static io.aralez.controller.snapshot.Objects.service;
import static io.aralez.controller.snapshot.Objects.slice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aralez.controller.snapshot.BuilderSettings;
import io.aralez.controller.snapshot.ClusterState;
import io.aralez.controller.snapshot.Objects;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The informer caches against the fabric8 mock API server (CRUD mode). */
@EnableKubernetesMockClient(crud = true)
class ClusterWatcherTest {
  KubernetesClient client;

  @Test
  void cachesServedObjectsWatchesOnlyReferencedSecretsAndTellsEndpointOnlyChanges() {
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
    client.resource(secret("ns", "users", "Opaque", Map.of("auth", "a:b"))).create();
    client.resource(secret("ns", "unrelated", "Opaque", Map.of("x", "y"))).create();
    client
        .resource(
            new Objects.Ing("ns", "a", "2026-01-01T00:00:00Z")
                .annotation("aralez.io/auth-secret", "users")
                .rule("a.example.com", p("Prefix", "/", "web", 80))
                .build())
        .create();
    client
        .resource(
            new Objects.Ing("ns", "other", "2026-01-01T00:00:00Z")
                .className("nginx")
                .rule("b.example.com", p("Prefix", "/", "web", 80))
                .build())
        .create();

    AtomicInteger events = new AtomicInteger();
    ClusterWatcher w =
        new ClusterWatcher(client, List.of(), BuilderSettings.defaults(), events::incrementAndGet);
    try {
      w.start();
      assertThat(w.started()).isTrue();
      assertThat(w.takeRoutesChanged()).as("the first build is a full one").isTrue();
      ClusterState s = w.state();
      assertThat(s.ingresses()).extracting(i -> i.getMetadata().getName()).containsExactly("a");
      // The Secret informer for "users" starts with the first state(); "unrelated" is never cached.
      await().atMost(Duration.ofSeconds(5)).until(() -> w.state().secrets().size() == 1);
      assertThat(w.state().secrets())
          .extracting(x -> x.getMetadata().getName())
          .containsExactly("users");
      w.takeRoutesChanged();

      int before = events.get();
      client.resource(slice("ns", "web-1", "web", "http=8080", "10.0.0.1", "10.0.0.2")).update();
      await().atMost(Duration.ofSeconds(5)).until(() -> events.get() > before);
      assertThat(w.takeRoutesChanged())
          .as("an EndpointSlice change leaves the routes part")
          .isFalse();
      assertThat(w.endpointSlices().get(0).getEndpoints()).hasSize(2);

      int next = events.get();
      client.resource(service("ns", "web", "http=80", "admin=9000")).update();
      await().atMost(Duration.ofSeconds(5)).until(() -> events.get() > next);
      assertThat(w.takeRoutesChanged()).isTrue();
      assertThat(w.healthy()).isTrue();
    } finally {
      w.close();
    }
  }
}
