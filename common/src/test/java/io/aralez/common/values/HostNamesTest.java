package io.aralez.common.values;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HostNamesTest {
  @Test
  void requestAuthorities() {
    assertThat(HostNames.normalizeRequest("Example.COM")).isEqualTo("example.com");
    assertThat(HostNames.normalizeRequest("example.com:8080")).isEqualTo("example.com");
    assertThat(HostNames.normalizeRequest("example.com.")).isEqualTo("example.com");
    assertThat(HostNames.normalizeRequest("[::1]:443")).isEqualTo("::1");
    assertThat(HostNames.normalizeRequest("[::1]")).isEqualTo("::1");
    assertThat(HostNames.normalizeRequest("10.0.0.1:80")).isEqualTo("10.0.0.1");
    assertThat(HostNames.normalizeRequest("a b")).isNull();
    assertThat(HostNames.normalizeRequest("a/b")).isNull();
    assertThat(HostNames.normalizeRequest("a@b")).isNull();
    assertThat(HostNames.normalizeRequest("[::1")).isNull();
    assertThat(HostNames.normalizeRequest("host:99999")).isNull();
    assertThat(HostNames.normalizeRequest("host:")).isNull();
    assertThat(HostNames.normalizeRequest("*.example.com")).isNull();
    assertThat(HostNames.normalizeRequest("a".repeat(300))).isNull();
  }

  @Test
  void configuredHosts() {
    assertThat(HostNames.normalizeConfigured("My.Host.com")).isEqualTo("my.host.com");
    assertThat(HostNames.normalizeConfigured("*.Example.com")).isEqualTo("*.example.com");
    assertThat(HostNames.normalizeConfigured("[::1]")).isEqualTo("::1");
    assertThat(HostNames.normalizeConfigured("a.*.com")).isNull();
    assertThat(HostNames.normalizeConfigured("bad host")).isNull();
  }

  /** The hand-written check agrees with the grammar written as a regular expression. */
  @Test
  void labelsAgreeWithTheGrammar() {
    java.util.regex.Pattern grammar =
        java.util.regex.Pattern.compile(
            "(\\*\\.)?[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*");
    java.util.Random random = new java.util.Random(42);
    String alphabet = "ab9_-.*A ";
    for (int i = 0; i < 200_000; i++) {
      StringBuilder b = new StringBuilder();
      int len = random.nextInt(12);
      for (int j = 0; j < len; j++) {
        b.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String h = b.toString();
      assertThat(HostNames.validLabels(h, true)).as(h).isEqualTo(grammar.matcher(h).matches());
    }
    assertThat(HostNames.validLabels("a".repeat(63), false)).isTrue();
    assertThat(HostNames.validLabels("a".repeat(64), false)).isFalse();
    assertThat(HostNames.validLabels("x." + "a".repeat(63) + ".y", false)).isTrue();
    assertThat(HostNames.validLabels("*.a", false)).isFalse();
  }
}
