package io.aralez.common.values;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConfigPathsTest {
  @Test
  void pathsEveryConfigMayUse() {
    for (String ok : new String[] {"/", "/api", "/a/b-c_d.e~f", "/%7Euser", "/@me:1"}) {
      assertThat(ConfigPaths.problem(ok)).as(ok).isNull();
    }
  }

  @Test
  void pathsNoConfigMayUse() {
    for (String bad :
        new String[] {
          "",
          "api",
          "/x;v=1",
          "/a b",
          "/a\tb",
          "/a\nb",
          "/a?b",
          "/a#b",
          "/a\"b",
          "/a{b",
          "/%zz",
          "/%4",
          "/\u00e9",
          "/a\u007f"
        }) {
      assertThat(ConfigPaths.problem(bad)).as(bad).isNotNull();
    }
  }
}
