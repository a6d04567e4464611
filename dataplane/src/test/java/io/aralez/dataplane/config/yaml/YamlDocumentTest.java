package io.aralez.dataplane.config.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aralez.dataplane.config.ConfigException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The YAML reader's limits (catalogue CF-03) and its error messages. */
@Tag("catalogue-2.13")
class YamlDocumentTest {
  static YamlMap parse(String text) throws ConfigException {
    return YamlDocument.parse("u.yaml", text, new Problems());
  }

  static String nested(int depth) {
    return "a: " + "[".repeat(depth) + "]".repeat(depth) + "\n";
  }

  @Test
  void nestingUpToSixtyFourIsReadDeeperIsRefused() throws Exception {
    assertThat(parse(nested(60)).keys()).containsExactly("a");
    assertThatThrownBy(() -> parse(nested(70)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("u.yaml")
        .hasMessageContaining("invalid YAML");
  }

  @Test
  void fiftyAliasesAreReadMoreAreRefused() throws Exception {
    StringBuilder ok = new StringBuilder("a: &a x\nl: [");
    for (int i = 0; i < 50; i++) {
      ok.append(i == 0 ? "" : ",").append("*a");
    }
    assertThat(parse(ok.append("]\n").toString()).keys()).containsExactly("a", "l");
    StringBuilder many = new StringBuilder("a: &a [1]\nl: [");
    for (int i = 0; i < 60; i++) {
      many.append(i == 0 ? "" : ",").append("*a");
    }
    assertThatThrownBy(() -> parse(many.append("]\n").toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("aliases");
  }

  @Test
  void aSelfReferencingListIsReadAsAValueNotFollowedForever() throws Exception {
    YamlMap m = parse("servers: &a [x, *a]\n");
    // The nested self-reference is not a string: reported, and the walk ends.
    assertThat(m.stringList("servers"))
        .hasValueSatisfying(
            l -> assertThat(l).extracting(YamlMap.Scalar::value).containsExactly("x"));
    assertThat(m.problems().hasErrors()).isTrue();
  }

  @Test
  void errorsNameTheLineAndTheContextLine() {
    assertThatThrownBy(() -> parse("a: 1\nb: [x,\n  y\nc: 3\n"))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e -> {
              var p = ((ConfigException) e).problems().get(0);
              assertThat(p.file()).isEqualTo("u.yaml");
              assertThat(p.line()).isEqualTo(4);
              assertThat(p.message()).startsWith("invalid YAML: ").contains("at line 2");
            });
    assertThatThrownBy(() -> parse("- a\n- b\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("the top level must be a mapping");
  }

  @Test
  void anEmptyDocumentIsAnEmptyMapping() throws Exception {
    assertThat(parse("").keys()).isEmpty();
    assertThat(parse("# only a comment\n").keys()).isEmpty();
  }
}
