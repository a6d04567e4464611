package io.aralez.dataplane.routing;

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
}
