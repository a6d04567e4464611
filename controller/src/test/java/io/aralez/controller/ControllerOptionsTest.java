package io.aralez.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ControllerOptionsTest {
  @Test
  void defaults() throws Exception {
    ControllerOptions o = ControllerOptions.parse(new String[0], Map.of());
    assertThat(o.grpcAddress()).isEqualTo("0.0.0.0:18000");
    assertThat(o.httpAddress()).isEqualTo("0.0.0.0:18080");
    assertThat(o.ingressClass()).isEqualTo("aralez");
    assertThat(o.controllerName()).isEqualTo("aralez.io/ingress-controller");
    assertThat(o.leaderElection()).isTrue();
    assertThat(o.leaseNamespace()).isEqualTo("default");
    assertThat(o.namespaces()).isEmpty();
    assertThat(o.tokenFile()).isNull();
  }

  @Test
  void flagsWinOverEnvironment() throws Exception {
    ControllerOptions o =
        ControllerOptions.parse(
            new String[] {"--namespaces", "a, b", "--token-file=/t", "--leader-election", "false"},
            Map.of(
                "ARALEZ_NAMESPACES", "x",
                "ARALEZ_PUBLISH_ADDRESS", "203.0.113.1,lb.example.com",
                "POD_NAMESPACE", "aralez"));
    assertThat(o.namespaces()).containsExactly("a", "b");
    assertThat(o.publishAddresses()).isEqualTo(List.of("203.0.113.1", "lb.example.com"));
    assertThat(o.tokenFile()).isEqualTo(Path.of("/t"));
    assertThat(o.leaderElection()).isFalse();
    assertThat(o.leaseNamespace()).isEqualTo("aralez");
  }

  @Test
  void badUsageIsAnErrorNamingTheFlag() {
    assertThatThrownBy(() -> ControllerOptions.parse(new String[] {"--nope", "1"}, Map.of()))
        .hasMessageContaining("--nope");
    assertThatThrownBy(
            () -> ControllerOptions.parse(new String[] {"--grpc-address", "x"}, Map.of()))
        .hasMessageContaining("ip:port");
    assertThatThrownBy(() -> ControllerOptions.parse(new String[] {"--tls-cert", "/c"}, Map.of()))
        .hasMessageContaining("--tls-key");
    assertThatThrownBy(
            () -> ControllerOptions.parse(new String[] {"--leader-election", "maybe"}, Map.of()))
        .hasMessageContaining("true or false");
    assertThatThrownBy(() -> ControllerOptions.parse(new String[] {"--kubeconfig"}, Map.of()))
        .hasMessageContaining("needs a value");
  }

  @Test
  void acmeIsOffUnlessADirectoryIsGiven() throws Exception {
    assertThat(ControllerOptions.parse(new String[0], Map.of()).acme()).isNull();
    ControllerOptions o =
        ControllerOptions.parse(
            new String[] {
              "--acme-directory",
              "acme://letsencrypt.org/staging",
              "--acme-email=ops@example.com",
              "--acme-renew-before",
              "20d",
              "--acme-check-interval",
              "6h",
              "--acme-ca-file",
              "/etc/ca.pem"
            },
            Map.of());
    assertThat(o.acme().directory().toString()).isEqualTo("acme://letsencrypt.org/staging");
    assertThat(o.acme().email()).isEqualTo("ops@example.com");
    assertThat(o.acme().renewBefore()).isEqualTo(java.time.Duration.ofDays(20));
    assertThat(o.acme().checkInterval()).isEqualTo(java.time.Duration.ofHours(6));
    assertThat(o.acme().caFile()).isEqualTo(java.nio.file.Path.of("/etc/ca.pem"));
    assertThatThrownBy(
            () -> ControllerOptions.parse(new String[] {"--acme-email", "a@b.c"}, Map.of()))
        .hasMessageContaining("needs --acme-directory");
    assertThatThrownBy(
            () ->
                ControllerOptions.parse(
                    new String[] {"--acme-directory", "http://ca/dir"}, Map.of()))
        .hasMessageContaining("https://");
    assertThatThrownBy(
            () ->
                ControllerOptions.parse(
                    new String[] {"--acme-directory", "acme://x", "--acme-renew-before", "soon"},
                    Map.of()))
        .hasMessageContaining("duration");
  }

  @Test
  void ingressNginxFlagsForPassthroughAndTheDefaultBackend() throws Exception {
    ControllerOptions o = ControllerOptions.parse(new String[0], Map.of());
    assertThat(o.nginx().sslPassthrough()).isFalse();
    assertThat(o.defaultBackendService()).isNull();
    o =
        ControllerOptions.parse(
            new String[] {
              "--nginx-compat=true",
              "--enable-ssl-passthrough=true",
              "--default-backend-service",
              "edge/errors"
            },
            Map.of());
    assertThat(o.nginx().sslPassthrough()).isTrue();
    assertThat(o.defaultBackendService()).isEqualTo("edge/errors");
    assertThatThrownBy(
            () ->
                ControllerOptions.parse(
                    new String[] {"--default-backend-service", "errors"}, Map.of()))
        .hasMessageContaining("--default-backend-service must be namespace/name");
  }
}
