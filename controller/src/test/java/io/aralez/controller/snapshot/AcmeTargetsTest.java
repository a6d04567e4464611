package io.aralez.controller.snapshot;

import static io.aralez.controller.snapshot.Objects.p;
import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.controller.crd.AralezRouteSpec;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("catalogue-2.12")
class AcmeTargetsTest {
  static final String T = "2026-01-01T00:00:00Z";

  static Objects.Ing ing(String name) {
    return new Objects.Ing("web", name, T).rule("a.example.com", p("Prefix", "/", "app", 80));
  }

  @Test
  void onlyAnnotatedIngressesAndRoutesAskAndWildcardsAreLeftOut() {
    AralezRouteSpec spec = new AralezRouteSpec();
    spec.hostnames = List.of("Shop.Example.com", "*.shop.example.com");
    spec.tls = new AralezRouteSpec.Tls();
    spec.tls.secretName = "shop-tls";
    spec.tls.acme = true;
    AralezRouteSpec plainSpec = new AralezRouteSpec();
    plainSpec.hostnames = List.of("plain.example.com");
    plainSpec.tls = new AralezRouteSpec.Tls();
    plainSpec.tls.secretName = "plain-tls";
    List<HasMetadata> served =
        List.of(
            ing("ours").annotation("aralez.io/acme", "true").tls("a-tls", "a.example.com").build(),
            ing("conventional")
                .annotation("kubernetes.io/tls-acme", "True")
                .tls("a-tls", "b.example.com", "*.example.com")
                .tls("c-tls", "c.example.com")
                .build(),
            ing("not-asked").tls("d-tls", "d.example.com").build(),
            ing("off").annotation("aralez.io/acme", "false").tls("e-tls", "e.example.com").build(),
            Objects.route("web", "shop", T, spec),
            Objects.route("web", "plain", T, plainSpec));
    List<AcmeTargets.Target> t = AcmeTargets.of(served);
    assertThat(t)
        .extracting(AcmeTargets.Target::key)
        .containsExactly("web/a-tls", "web/c-tls", "web/shop-tls");
    assertThat(t.get(0).hosts())
        .as("merged, sorted")
        .containsExactly("a.example.com", "b.example.com");
    assertThat(t.get(0).owners())
        .extracting(ObjectRef::name)
        .containsExactly("conventional", "ours");
    assertThat(t.get(2).hosts()).containsExactly("shop.example.com");
  }

  @Test
  void challengesGoIntoTheRoutesPartAndChangeItsVersion() {
    BuildResult empty =
        new SnapshotBuilder(new BuilderSettings("aralez.io/ingress-controller", "aralez", false))
            .build(ClusterState.empty());
    SortedMap<String, String> tokens = new TreeMap<>();
    tokens.put("tok", "tok.thumb");
    BuildResult with = empty.withChallenges(tokens);
    assertThat(with.routes().getAcmeChallengesList()).hasSize(1);
    assertThat(with.routes().getAcmeChallenges(0).getKeyAuthorization()).isEqualTo("tok.thumb");
    assertThat(with.routesVersion()).isNotEqualTo(empty.routesVersion());
    assertThat(with.withChallenges(new TreeMap<>()).routesVersion())
        .isEqualTo(empty.routesVersion());
    assertThat(with.endpointsVersion()).isEqualTo(empty.endpointsVersion());
  }
}
