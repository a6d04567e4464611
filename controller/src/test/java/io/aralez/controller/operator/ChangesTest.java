package io.aralez.controller.operator;

import static io.aralez.controller.snapshot.Objects.p;
import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.controller.snapshot.Objects;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressStatusBuilder;
import org.junit.jupiter.api.Test;

class ChangesTest {
  private static Ingress ingress() {
    return new Objects.Ing("ns", "i", "2026-01-01T00:00:00Z")
        .rule("a.test", p("Prefix", "/", "web", 80))
        .build();
  }

  private static boolean matters(Ingress old, Ingress now) {
    return Changes.specOrMeta(old, now, Ingress::getSpec);
  }

  @Test
  void statusAndBookkeepingDoNotMatterSpecLabelsAndAnnotationsDo() {
    Ingress old = ingress();
    Ingress status =
        new IngressBuilder(old)
            .withStatus(
                new IngressStatusBuilder()
                    .withNewLoadBalancer()
                    .addNewIngress()
                    .withIp("203.0.113.1")
                    .endIngress()
                    .endLoadBalancer()
                    .build())
            .editMetadata()
            .withResourceVersion("42")
            .endMetadata()
            .build();
    assertThat(matters(old, status)).isFalse();
    assertThat(
            matters(
                old,
                new IngressBuilder(old).editSpec().withIngressClassName("other").endSpec().build()))
        .isTrue();
    assertThat(
            matters(
                old,
                new IngressBuilder(old)
                    .editMetadata()
                    .addToAnnotations("aralez.io/rate-limit", "5")
                    .endMetadata()
                    .build()))
        .isTrue();
    assertThat(
            matters(
                old,
                new IngressBuilder(old)
                    .editMetadata()
                    .addToLabels("team", "a")
                    .endMetadata()
                    .build()))
        .isTrue();
    assertThat(
            matters(
                old,
                new IngressBuilder(old)
                    .editMetadata()
                    .withDeletionTimestamp("2026-01-02T00:00:00Z")
                    .endMetadata()
                    .build()))
        .isTrue();
  }
}
