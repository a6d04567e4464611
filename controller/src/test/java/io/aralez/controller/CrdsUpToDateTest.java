package io.aralez.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The committed crds/ must be what the model generates: the build fails when they drift. */
class CrdsUpToDateTest {
  static final Path GENERATED =
      Path.of("target/classes/META-INF/fabric8/aralezroutes.aralez.io-v1.yml");
  static final Path COMMITTED = Path.of("../crds/aralezroutes.aralez.io-v1.yml");

  @Test
  void committedCrdMatchesTheModel() throws Exception {
    assertThat(Files.readString(COMMITTED))
        .as("crds/ is stale: copy %s to crds/ (see README, Development)", GENERATED)
        .isEqualTo(Files.readString(GENERATED));
  }

  @Test
  void crdIsV1WithStatusSubresourceAndValidation() throws Exception {
    CustomResourceDefinition crd =
        Serialization.unmarshal(Files.readString(COMMITTED), CustomResourceDefinition.class);
    assertThat(crd.getApiVersion()).isEqualTo("apiextensions.k8s.io/v1");
    assertThat(crd.getSpec().getGroup()).isEqualTo("aralez.io");
    var v = crd.getSpec().getVersions().get(0);
    assertThat(v.getName()).isEqualTo("v1alpha1");
    assertThat(v.getSubresources().getStatus()).isNotNull();
    var spec = v.getSchema().getOpenAPIV3Schema().getProperties().get("spec");
    assertThat(spec.getRequired()).contains("hostnames", "routes");
    var backend =
        spec.getProperties().get("routes").getItems().getSchema().getProperties().get("backends");
    assertThat(backend.getItems().getSchema().getProperties().get("weight").getMaximum())
        .isNotNull();
    assertThat(Files.list(Path.of("../crds")).map(p -> p.getFileName().toString()))
        .as("only apiextensions v1 CRDs are shipped")
        .allMatch(n -> n.endsWith("-v1.yml"));
  }
}
