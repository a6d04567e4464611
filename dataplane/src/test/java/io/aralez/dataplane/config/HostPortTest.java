package io.aralez.dataplane.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HostPortTest {
  @Test
  void parsesIpv4Ipv6AndNames() {
    assertThat(HostPort.parse("127.0.0.1:8000")).isEqualTo(new HostPort("127.0.0.1", 8000, true));
    assertThat(HostPort.parse("[::1]:80")).isEqualTo(new HostPort("::1", 80, true));
    assertThat(HostPort.parse(" Backend.Internal:443 "))
        .isEqualTo(new HostPort("backend.internal", 443, false));
    assertThat(HostPort.parse("[::1]:80").toString()).isEqualTo("[::1]:80");
    assertThat(HostPort.parse("[::1]:80").toConnectAddress().isUnresolved()).isFalse();
    assertThat(HostPort.parse("db.local:5432").toConnectAddress().isUnresolved()).isTrue();
  }

  @Test
  void refusesBadInput() {
    assertThatThrownBy(() -> HostPort.parse("host")).hasMessageContaining("not host:port");
    assertThatThrownBy(() -> HostPort.parse("host:0")).hasMessageContaining("out of range");
    assertThatThrownBy(() -> HostPort.parse("host:x")).hasMessageContaining("not a port");
    assertThatThrownBy(() -> HostPort.parse("::1:80")).hasMessageContaining("brackets");
    assertThatThrownBy(() -> HostPort.parse("999.1.1.1:80")).hasMessageContaining("not a valid");
    assertThatThrownBy(() -> HostPort.parse("a b:80")).hasMessageContaining("not a valid");
    assertThatThrownBy(() -> HostPort.parse("[zz]:80")).hasMessageContaining("IPv6");
  }
}
