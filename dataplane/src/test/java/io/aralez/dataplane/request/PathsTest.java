package io.aralez.dataplane.request;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PathsTest {
  @Test
  void canonicalForm() {
    assertThat(Paths.canonical("/a/b")).isEqualTo("/a/b");
    assertThat(Paths.canonical("/a//b///c")).isEqualTo("/a/b/c");
    assertThat(Paths.canonical("/a/./b/../c")).isEqualTo("/a/c");
    assertThat(Paths.canonical("/a/b/..")).isEqualTo("/a/");
    assertThat(Paths.canonical("/%61%70%69")).isEqualTo("/api");
    assertThat(Paths.canonical("/a%2fb")).isEqualTo("/a%2Fb");
    assertThat(Paths.canonical("/%2e%2e/x")).isNull();
    assertThat(Paths.canonical("/..")).isNull();
    assertThat(Paths.canonical("/a/%2e%2e/b")).isEqualTo("/b");
    assertThat(Paths.canonical("/a%zz")).isNull();
    assertThat(Paths.canonical("/a%2")).isNull();
    assertThat(Paths.canonical("/a\\b")).isNull();
    assertThat(Paths.canonical("a")).isNull();
    assertThat(Paths.canonical("/")).isEqualTo("/");
  }

  @Test
  void shortcutAgreesWithTheFullParse() {
    // canonical() returns clean paths as they are; that must be exactly what parsing gives.
    java.util.Random random = new java.util.Random(7);
    String alphabet = "/./a%2e\\ \u00e9";
    int unchanged = 0;
    for (int i = 0; i < 200_000; i++) {
      StringBuilder b = new StringBuilder("/");
      int len = random.nextInt(10);
      for (int j = 0; j < len; j++) {
        b.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String p = b.toString();
      String got = Paths.canonical(p);
      assertThat(got).as(p).isEqualTo(Paths.canonicalByParsing(p));
      if (p.equals(got)) {
        unchanged++;
      }
    }
    assertThat(unchanged).as("both kinds of paths were drawn").isBetween(1_000, 199_000);
  }

  @Test
  void configuredPrefixes() {
    assertThat(Paths.normalizePrefix("/")).isEqualTo("/");
    assertThat(Paths.normalizePrefix("/foo/")).isEqualTo("/foo");
    assertThat(Paths.normalizePrefix("//foo")).isEqualTo("/foo");
    assertThat(Paths.normalizePrefix("/.well-known/acme-challenge"))
        .isEqualTo("/.well-known/acme-challenge");
    assertThat(Paths.normalizePrefix("foo")).isNull();
    assertThat(Paths.normalizePrefix("/a/../b")).isNull();
    assertThat(Paths.normalizePrefix("/a?b")).isNull();
  }
}
