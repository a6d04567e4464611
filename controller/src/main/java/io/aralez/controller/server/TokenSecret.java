package io.aralez.controller.server;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data-plane token kept in a Secret (key {@code token}) that the controller creates with a
 * random value when it does not exist yet, so the manifests work as applied: data-plane pods mount
 * the same Secret and wait for it. Rotating it (editing the Secret) applies to new streams.
 */
public final class TokenSecret implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TokenSecret.class);
  static final String KEY = "token";

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private SharedIndexInformer<Secret> informer;

  public TokenSecret(KubernetesClient client, String namespace, String name) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
  }

  /** Creates the Secret if needed (racing replicas: the first wins) and starts watching it. */
  public void start() {
    var res = client.secrets().inNamespace(namespace).withName(name);
    if (res.get() == null) {
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      try {
        client
            .resource(
                new SecretBuilder()
                    .withNewMetadata()
                    .withNamespace(namespace)
                    .withName(name)
                    .addToLabels("app.kubernetes.io/part-of", "aralez")
                    .endMetadata()
                    .withType("Opaque")
                    .addToStringData(KEY, HexFormat.of().formatHex(random))
                    .build())
            .create();
        LOG.info("created the data-plane token Secret {}/{}", namespace, name);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
      }
    }
    informer = res.inform();
  }

  /** The current token, or null while the Secret is unreadable (every call is then refused). */
  public String token() {
    Secret s = informer == null ? null : informer.getStore().getByKey(namespace + "/" + name);
    if (s == null) {
      return null;
    }
    if (s.getData() != null && s.getData().get(KEY) != null) {
      return new String(Base64.getDecoder().decode(s.getData().get(KEY)), StandardCharsets.UTF_8);
    }
    return s.getStringData() == null ? null : s.getStringData().get(KEY);
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
  }
}
