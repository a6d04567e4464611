package io.aralez.controller.acme;

import io.aralez.acme.Issued;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code kubernetes.io/tls} Secrets the controller keeps certified: read, and written only when
 * it made them (labelled {@code app.kubernetes.io/managed-by: aralez-controller}). A Secret someone
 * else made is never touched.
 */
final class CertificateSecrets {
  static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  static final String US = "aralez-controller";
  static final String HOSTS = "aralez.io/acme-hosts";

  private final KubernetesClient client;

  CertificateSecrets(KubernetesClient client) {
    this.client = client;
  }

  /** What is in the cluster for one target. */
  record Current(Secret secret, X509Certificate leaf) {
    boolean exists() {
      return secret != null;
    }

    boolean ours() {
      return secret != null
          && secret.getMetadata().getLabels() != null
          && US.equals(secret.getMetadata().getLabels().get(MANAGED_BY));
    }

    /** The hosts the current certificate was ordered for, as recorded on the Secret. */
    List<String> hosts() {
      var a = secret == null ? null : secret.getMetadata().getAnnotations();
      String h = a == null ? null : a.get(HOSTS);
      return h == null || h.isBlank() ? List.of() : List.of(h.split(","));
    }
  }

  Current read(String namespace, String name) {
    Secret s = client.secrets().inNamespace(namespace).withName(name).get();
    return new Current(s, s == null ? null : leaf(s).orElse(null));
  }

  private static Optional<X509Certificate> leaf(Secret s) {
    String crt = s.getData() == null ? null : s.getData().get("tls.crt");
    if (crt == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          (X509Certificate)
              CertificateFactory.getInstance("X.509")
                  .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(crt))));
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  /** Creates the Secret, or replaces the one we made before (never someone else's). */
  void write(String namespace, String name, List<String> hosts, Issued issued, Current current) {
    Secret s =
        new SecretBuilder()
            .withNewMetadata()
            .withNamespace(namespace)
            .withName(name)
            .withLabels(Map.of(MANAGED_BY, US))
            .withAnnotations(Map.of(HOSTS, String.join(",", hosts)))
            .endMetadata()
            .withType("kubernetes.io/tls")
            .withData(
                Map.of(
                    "tls.crt", b64(issued.chainPem()),
                    "tls.key", b64(issued.keyPem())))
            .build();
    if (!current.exists()) {
      client.secrets().inNamespace(namespace).resource(s).create();
    } else {
      // Optimistic: fails if the Secret changed since it was read (then the next check retries).
      s.getMetadata().setResourceVersion(current.secret().getMetadata().getResourceVersion());
      client.secrets().inNamespace(namespace).resource(s).update();
    }
  }

  private static String b64(String pem) {
    return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
  }
}
