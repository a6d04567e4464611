package io.aralez.controller.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class TokenSecretTest {
  KubernetesClient client;

  @Test
  void createdOnceWithARandomTokenSharedByReplicasAndRotatable() {
    try (TokenSecret a = new TokenSecret(client, "aralez", "aralez-token");
        TokenSecret b = new TokenSecret(client, "aralez", "aralez-token")) {
      a.start();
      await().atMost(Duration.ofSeconds(5)).until(() -> a.token() != null);
      String token = a.token();
      assertThat(token).matches("[0-9a-f]{64}");
      b.start();
      await().atMost(Duration.ofSeconds(5)).until(() -> token.equals(b.token()));

      Secret s = client.secrets().inNamespace("aralez").withName("aralez-token").get();
      s.setStringData(null);
      s.setData(Map.of("token", Base64.getEncoder().encodeToString("rotated".getBytes())));
      client.resource(s).update();
      await().atMost(Duration.ofSeconds(5)).until(() -> "rotated".equals(a.token()));
    }
  }
}
