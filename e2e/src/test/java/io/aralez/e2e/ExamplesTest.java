package io.aralez.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.controller.crd.AralezRoute;
import io.aralez.controller.snapshot.BuildResult;
import io.aralez.controller.snapshot.BuilderSettings;
import io.aralez.controller.snapshot.ClusterState;
import io.aralez.controller.snapshot.ObjectRef;
import io.aralez.controller.snapshot.ObjectStatus;
import io.aralez.controller.snapshot.SnapshotBuilder;
import io.aralez.dataplane.source.controller.SnapshotTranslator;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes examples users copy (examples/kubernetes, also shown in the README) are accepted
 * by the controller, resolve every reference they make, and translate on the data plane.
 */
class ExamplesTest {
  static final Path DIR = Processes.HOME.resolve("examples/kubernetes");

  @Test
  void theReadmeExamplesAreAcceptedAndTranslate() throws Exception {
    String readme = Files.readString(Processes.HOME.resolve("README.md"));
    String routeYaml = Files.readString(DIR.resolve("aralezroute.yaml"));
    String ingressYaml = Files.readString(DIR.resolve("ingress.yaml"));
    // The README shows these very files.
    assertThat(readme).contains(routeYaml.substring(routeYaml.indexOf('\n') + 1));
    assertThat(readme).contains(ingressYaml.substring(ingressYaml.indexOf('\n') + 1));

    AralezRoute route = Serialization.unmarshal(routeYaml, AralezRoute.class);
    Ingress ingress = Serialization.unmarshal(ingressYaml, Ingress.class);
    route.getMetadata().setCreationTimestamp("2026-01-01T00:00:00Z");
    ingress.getMetadata().setCreationTimestamp("2026-01-02T00:00:00Z");
    List<io.fabric8.kubernetes.api.model.Service> services = new ArrayList<>();
    for (String s : List.of("shop", "api", "api-v2", "api-canary", "error-pages")) {
      services.add(
          new ServiceBuilder()
              .withNewMetadata()
              .withNamespace("team-a")
              .withName(s)
              .endMetadata()
              .withNewSpec()
              .addNewPort()
              .withName("http")
              .withPort(8080)
              .endPort()
              .endSpec()
              .build());
    }
    List<io.fabric8.kubernetes.api.model.Secret> secrets = new ArrayList<>();
    for (String s : List.of("users", "shop-users")) {
      secrets.add(
          new SecretBuilder()
              .withNewMetadata()
              .withNamespace("team-a")
              .withName(s)
              .endMetadata()
              .addToStringData(
                  "auth", "alice:$2y$10$abcdefghijklmnopqrstuuabcdefghijklmnopqrstuvwxyz012")
              .build());
    }
    Path crt = Files.createTempFile("shop", ".crt");
    Path key = Files.createTempFile("shop", ".key");
    Fixtures.selfSigned(crt, key, "shop.example.com", "DNS:shop.example.com");
    secrets.add(
        new SecretBuilder()
            .withNewMetadata()
            .withNamespace("team-a")
            .withName("shop-tls")
            .endMetadata()
            .withType("kubernetes.io/tls")
            .addToStringData("tls.crt", Files.readString(crt))
            .addToStringData("tls.key", Files.readString(key))
            .build());
    BuildResult r =
        new SnapshotBuilder(BuilderSettings.defaults())
            .build(
                new ClusterState(
                    List.of(Fixtures.ourClass()),
                    List.of(ingress),
                    List.of(route),
                    services,
                    List.of(),
                    secrets));
    ObjectStatus rs = r.statuses().get(new ObjectRef("AralezRoute", "team-a", "shop"));
    ObjectStatus is = r.statuses().get(new ObjectRef("Ingress", "team-a", "shop"));
    assertThat(rs.errors()).isEmpty();
    assertThat(rs.accepted()).isTrue();
    assertThat(rs.resolvedRefs()).as(rs.warnings().toString()).isTrue();
    assertThat(is.accepted()).as(is.errors().toString()).isTrue();
    assertThat(r.routes().getCertificatesCount()).isEqualTo(1);
    assertThat(SnapshotTranslator.translate(r.routes(), r.endpoints(), r.version()).hosts())
        .isNotEmpty();
  }
}
