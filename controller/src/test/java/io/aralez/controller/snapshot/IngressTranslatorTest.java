package io.aralez.controller.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aralez.api.v1.PathMatch;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPathBuilder;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IngressTranslatorTest {
  @Test
  void pathTypes() {
    // {pathType, path, match type, value}
    Object[][] table = {
      {"Exact", "/a/", PathMatch.Type.EXACT, "/a/"},
      {"Prefix", "/a/", PathMatch.Type.PREFIX, "/a"},
      {"Prefix", "/a//", PathMatch.Type.PREFIX, "/a"},
      {"ImplementationSpecific", "/b", PathMatch.Type.PREFIX, "/b"},
      {null, "", PathMatch.Type.PREFIX, "/"},
      {"Prefix", "/", PathMatch.Type.PREFIX, "/"},
    };
    for (Object[] row : table) {
      PathMatch m =
          IngressPaths.of(
              new HTTPIngressPathBuilder()
                  .withPathType((String) row[0])
                  .withPath((String) row[1])
                  .build());
      assertThat(m.getType()).as("%s %s", row[0], row[1]).isEqualTo(row[2]);
      assertThat(m.getValue()).as("%s %s", row[0], row[1]).isEqualTo(row[3]);
    }
    for (String[] bad :
        new String[][] {{"Regex", "/a"}, {"Prefix", "no-slash"}, {"Exact", "/a;b"}}) {
      assertThatThrownBy(
              () ->
                  IngressPaths.of(
                      new HTTPIngressPathBuilder().withPathType(bad[0]).withPath(bad[1]).build()))
          .as("%s %s", bad[0], bad[1])
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void whichHostsATlsSectionCovers() {
    Set<String> tls = Set.of("a.test", "*.wild.test");
    assertThat(IngressTranslator.coveredBy("a.test", tls)).isTrue();
    assertThat(IngressTranslator.coveredBy("x.wild.test", tls)).isTrue();
    assertThat(IngressTranslator.coveredBy("x.y.wild.test", tls)).isFalse();
    assertThat(IngressTranslator.coveredBy("b.test", tls)).isFalse();
    assertThat(IngressTranslator.coveredBy("", tls)).isFalse();
  }
}
