package io.aralez.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aralez.acme.testing.Pebble;
import io.aralez.controller.crd.AralezRoute;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * ACME in a cluster: the mock API server, the real controller (ordering on the leader), the real
 * data plane (answering the CA's HTTP-01 requests from the snapshot's tokens) and Debian's real
 * pebble. Every certificate counts as due (renew-before longer than pebble's validity), so each
 * check renews: the test sees renewals, and sees them stop when the annotation goes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("catalogue-2.12")
class AcmeClusterIT {
  static final String NS = "aralez-acme";
  static final String TOKEN = "acme-e2e-token-0123456789abcdef";

  static Path dir;
  static TestCluster cluster;
  static KubernetesClient k8s;
  static Processes processes;
  static Pebble pebble;
  static Backend backend;
  static int plain;
  static int tls;
  static X509Certificate root;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("aralez-acme-e2e");
    cluster = TestCluster.open(dir);
    k8s = cluster.client();
    processes = new Processes(Path.of("target/e2e-logs"));
    backend = new Backend("app-pod");
    plain = Processes.freePort();
    tls = Processes.freePort();
    pebble = new Pebble(dir.resolve("pebble"), plain);
    root = pebble.issuingRootCertificate();

    CustomResourceDefinition crd =
        k8s.apiextensions()
            .v1()
            .customResourceDefinitions()
            .load(Processes.HOME.resolve("crds/aralezroutes.aralez.io-v1.yml").toFile())
            .item();
    k8s.resource(crd).createOr(c -> c.update());
    k8s.resource(Fixtures.ourClass()).createOr(c -> c.update());
    k8s.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .createOr(c -> c.update());
    k8s.resource(Fixtures.service(NS, "app")).createOr(c -> c.update());
    k8s.resource(Fixtures.localSlice(NS, "app", "app-0", backend.port())).createOr(c -> c.update());

    Path token = dir.resolve("token");
    Files.writeString(token, TOKEN + "\n");
    int grpc = Processes.freePort();
    int http = Processes.freePort();
    processes.start(
        "acme-controller",
        Map.of("POD_NAME", "acme-controller-0"),
        "bin/aralez-controller",
        "--kubeconfig",
        cluster.kubeconfig().toString(),
        "--grpc-address",
        "127.0.0.1:" + grpc,
        "--http-address",
        "127.0.0.1:" + http,
        "--token-file",
        token.toString(),
        "--lease-namespace",
        NS,
        "--namespaces",
        NS,
        "--acme-directory",
        pebble.directory().toString(),
        "--acme-ca-file",
        pebble.caFile().toString(),
        "--acme-email",
        "ops@example.test",
        "--acme-renew-before",
        "3650d",
        "--acme-check-interval",
        "3s");
    Path d = Files.createDirectories(dir.resolve("dp"));
    Files.createDirectories(d.resolve("certificates"));
    int admin = Processes.freePort();
    Files.writeString(
        d.resolve("main.yaml"),
        ("proxy_address_http: 127.0.0.1:%d\nproxy_address_tls: 127.0.0.1:%d\n"
                + "proxy_certificates: certificates\nconfig_address: 127.0.0.1:%d\n"
                + "upstreams_conf: upstreams.yaml\nthreads: 1\n")
            .formatted(plain, tls, admin));
    Files.writeString(
        d.resolve("upstreams.yaml"),
        "provider: kubernetes\nkubernetes:\n  controller: 127.0.0.1:%d\n  tokenpath: %s\n  node_id: dp-acme\n"
            .formatted(grpc, token));
    processes.start(
        "acme-dataplane",
        Map.of("ARALEZ_NO_PRIVDROP", "1"),
        "bin/aralez",
        "-c",
        d.resolve("main.yaml").toString());
  }

  @AfterAll
  static void stop() throws Exception {
    if (processes != null) {
      processes.close();
    }
    if (pebble != null) {
      pebble.close();
    }
    if (backend != null) {
      backend.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  static Ingress ingress(String name, String host, String secret, boolean acme) {
    Ingress ing =
        Fixtures.ingress(
            NS, name, host, "/", "app", acme ? Map.of("aralez.io/acme", "true") : Map.of());
    return new IngressBuilder(ing)
        .editSpec()
        .addNewTl()
        .withHosts(host)
        .withSecretName(secret)
        .endTl()
        .endSpec()
        .build();
  }

  static Secret secret(String name) {
    return k8s.secrets().inNamespace(NS).withName(name).get();
  }

  static X509Certificate leafOf(Secret s) throws Exception {
    return (X509Certificate)
        CertificateFactory.getInstance("X.509")
            .generateCertificate(
                new ByteArrayInputStream(Base64.getDecoder().decode(s.getData().get("tls.crt"))));
  }

  /** The leaf served for {@code sni}, if its chain is pebble's and it names {@code sni}. */
  static X509Certificate servedByPebble(String sni) {
    try (SSLSocket s = Tls.connect(tls, sni)) {
      var chain = s.getSession().getPeerCertificates();
      ((X509Certificate) chain[chain.length - 1]).verify(root.getPublicKey());
      X509Certificate leaf = (X509Certificate) chain[0];
      boolean names =
          leaf.getSubjectAlternativeNames().stream().anyMatch(l -> sni.equals(l.get(1)));
      return names ? leaf : null;
    } catch (Exception e) {
      return null;
    }
  }

  static List<Event> events(String object, String reason) {
    return k8s.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> object.equals(e.getInvolvedObject().getName()))
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }

  @Test
  @Order(1)
  void anAnnotatedIngressGetsItsSecretAndTheDataPlaneServesIt() throws Exception {
    k8s.resource(ingress("app", "app.example.test", "app-tls", true)).createOr(c -> c.update());
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> servedByPebble("app.example.test") != null);
    Secret s = secret("app-tls");
    assertThat(s.getType()).isEqualTo("kubernetes.io/tls");
    assertThat(s.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "aralez-controller");
    assertThat(events("app", "CertificateIssued")).isNotEmpty();
    // The account key is kept in the controller's namespace.
    assertThat(
            k8s.secrets().inNamespace(NS).list().getItems().stream()
                .map(x -> x.getMetadata().getName()))
        .anyMatch(n -> n.startsWith("aralez-acme-account-"));
    // The route itself still works over TLS with the new certificate.
    assertThat(Tls.get(tls, "app.example.test", "/")).startsWith("HTTP/1.1 200");
  }

  @Test
  @Order(2)
  void anAralezRouteWithTlsAcmeReportsCertificateReady() throws Exception {
    AralezRoute route =
        k8s.resources(AralezRoute.class)
            .load(
                new ByteArrayInputStream(
                    """
                    apiVersion: aralez.io/v1alpha1
                    kind: AralezRoute
                    metadata: {name: shop, namespace: %s}
                    spec:
                      hostnames: [shop.example.test]
                      tls: {secretName: shop-tls, acme: true}
                      routes:
                      - name: main
                        backends:
                        - service: {name: app, port: {number: 80}}
                    """
                        .formatted(NS)
                        .getBytes(StandardCharsets.UTF_8)))
            .item();
    k8s.resource(route).createOr(c -> c.update());
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> servedByPebble("shop.example.test") != null);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              AralezRoute r =
                  k8s.resources(AralezRoute.class).inNamespace(NS).withName("shop").get();
              return r.getStatus() != null
                  && r.getStatus().conditions.stream()
                      .anyMatch(
                          c ->
                              c.getType().equals("CertificateReady")
                                  && c.getStatus().equals("True"));
            });
  }

  @Test
  @Order(3)
  void aSecretSomeoneElseMadeIsNeverOverwritten() throws Exception {
    k8s.resource(
            new SecretBuilder()
                .withNewMetadata()
                .withNamespace(NS)
                .withName("manual-tls")
                .endMetadata()
                .withType("Opaque")
                .withData(Map.of("note", Base64.getEncoder().encodeToString("mine".getBytes())))
                .build())
        .createOr(c -> c.update());
    k8s.resource(ingress("manual", "manual.example.test", "manual-tls", true))
        .createOr(c -> c.update());
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> !events("manual", "SecretNotManaged").isEmpty());
    assertThat(secret("manual-tls").getData()).containsOnlyKeys("note");
  }

  @Test
  @Order(4)
  void removingTheAnnotationStopsRenewalAndKeepsTheSecret() throws Exception {
    // Renewals happen (every certificate is due at each check)...
    BigInteger first = leafOf(secret("app-tls")).getSerialNumber();
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> !leafOf(secret("app-tls")).getSerialNumber().equals(first));
    // ...until the Ingress no longer asks.
    k8s.resource(ingress("app", "app.example.test", "app-tls", false)).update();
    // A renewal already under way may still land: wait until the Secret is stable.
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              String v = secret("app-tls").getMetadata().getResourceVersion();
              Thread.sleep(10_000);
              return v.equals(secret("app-tls").getMetadata().getResourceVersion());
            });
    String kept = secret("app-tls").getMetadata().getResourceVersion();
    Thread.sleep(10_000);
    assertThat(secret("app-tls").getMetadata().getResourceVersion()).isEqualTo(kept);
    assertThat(servedByPebble("app.example.test")).as("the Secret keeps serving").isNotNull();
  }
}
