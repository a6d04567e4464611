package io.aralez.dataplane.request;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("catalogue-2.3")
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
  void encodedControlsAndBrokenUtf8AreRefused() {
    assertThat(Paths.canonical("/admin%00.css")).isNull();
    assertThat(Paths.canonical("/a%0d%0ab")).isNull();
    assertThat(Paths.canonical("/a%7f")).isNull();
    assertThat(Paths.canonical("/%c0%ae%c0%ae/admin")).as("overlong '.'").isNull();
    assertThat(Paths.canonical("/%e0%80%ae")).as("overlong, three bytes").isNull();
    assertThat(Paths.canonical("/%ed%a0%80")).as("a surrogate").isNull();
    assertThat(Paths.canonical("/%c3")).as("truncated").isNull();
    assertThat(Paths.canonical("/%c3%a9t%c3%a9")).isEqualTo("/%C3%A9t%C3%A9");
    assertThat(Paths.canonical("/%\u0663\u0663")).as("only ASCII hex digits").isNull();
  }

  @Test
  void theBackendReadingDecodesSlashesAndDropsParameters() {
    assertThat(reading("/public/..%2fadmin")).isEqualTo("/admin");
    assertThat(reading("/admin%2Fx")).isEqualTo("/admin/x");
    assertThat(reading("/public%5c..%5cadmin")).isEqualTo("/admin");
    assertThat(reading("/public/..;/admin")).isEqualTo("/admin");
    assertThat(reading("/admin;jsessionid=x")).isEqualTo("/admin");
    assertThat(reading("/a;v=1/b;c")).isEqualTo("/a/b");
    assertThat(reading("/a%2F..%2F..%2Fetc")).as("climbs above the root").isNull();
    String plain = Paths.canonical("/a/b");
    assertThat(Paths.backendReading("/a/b", plain)).isSameAs(plain);
  }

  private static String reading(String raw) {
    return Paths.backendReading(raw, Paths.canonical(raw));
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
