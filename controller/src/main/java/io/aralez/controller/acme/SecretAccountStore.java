package io.aralez.controller.acme;

import io.aralez.acme.AccountStore;
import io.aralez.acme.StoredAccount;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * The ACME account key in a Secret of the controller's namespace, one per CA directory (named after
 * a hash of it), so every replica that becomes leader uses the same account. Created once, never
 * updated: RBAC needs only {@code create} there.
 */
final class SecretAccountStore implements AccountStore {
  static final String KEY = "acme_credentials.json";

  private final KubernetesClient client;
  private final String namespace;
  private final String name;

  SecretAccountStore(KubernetesClient client, String namespace, String directory) {
    this.client = client;
    this.namespace = namespace;
    this.name = "aralez-acme-account-" + shortHash(directory);
  }

  String name() {
    return name;
  }

  @Override
  public Optional<StoredAccount> load() throws IOException {
    try {
      Secret s = client.secrets().inNamespace(namespace).withName(name).get();
      if (s == null || s.getData() == null || !s.getData().containsKey(KEY)) {
        return Optional.empty();
      }
      String json =
          new String(Base64.getDecoder().decode(s.getData().get(KEY)), StandardCharsets.UTF_8);
      return Optional.of(StoredAccount.fromJson(json));
    } catch (KubernetesClientException | IllegalArgumentException e) {
      throw new IOException(
          "ACME account Secret " + namespace + "/" + name + ": " + e.getMessage());
    }
  }

  @Override
  public void save(StoredAccount account) throws IOException {
    Secret s =
        new SecretBuilder()
            .withNewMetadata()
            .withNamespace(namespace)
            .withName(name)
            .withLabels(Map.of(CertificateSecrets.MANAGED_BY, CertificateSecrets.US))
            .endMetadata()
            .withType("Opaque")
            .withData(
                Map.of(
                    KEY,
                    Base64.getEncoder()
                        .encodeToString(account.toJson().getBytes(StandardCharsets.UTF_8))))
            .build();
    try {
      client.secrets().inNamespace(namespace).resource(s).create();
    } catch (KubernetesClientException e) {
      throw new IOException("ACME account Secret not created: " + e.getMessage());
    }
  }

  static String shortHash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 4);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
