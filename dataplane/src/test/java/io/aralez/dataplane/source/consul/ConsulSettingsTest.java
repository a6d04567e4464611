package io.aralez.dataplane.source.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aralez.dataplane.config.ConfigException;
import io.aralez.dataplane.config.yaml.Problems;
import io.aralez.dataplane.source.file.UpstreamsDocument;
import io.aralez.dataplane.source.file.UpstreamsParser;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsulSettingsTest {
  private static UpstreamsDocument parse(String text) throws ConfigException {
    return UpstreamsParser.parseDocument(
        new UpstreamsParser.Source("upstreams.yaml", text),
        List.of(),
        "v",
        Path.of("."),
        new Problems());
  }

  @Test
  void theOriginalsKeysAndOurs() throws Exception {
    ConsulSettings c =
        (ConsulSettings)
            parse(
                    """
                    provider: consul
                    consul:
                      servers: ["http://c1:8500", "https://c2:8501/"]
                      token: s3cret
                      datacenter: dc2
                      namespace: team-a
                      partition: p1
                      wait: 30s
                      only_passing: false
                      services:
                        - hostname: shop.example.com
                          upstream: shop
                        - hostname: shop.example.com
                          upstream: shop-api
                          path: /api
                          rate_limit: 10
                          x4xx_limit: 3
                          to_https: true
                          client_headers: ["X-From:consul"]
                    """)
                .provider();
    assertThat(c.servers())
        .containsExactly(URI.create("http://c1:8500"), URI.create("https://c2:8501"));
    assertThat(c.token()).isEqualTo("s3cret");
    assertThat(c.toString()).doesNotContain("s3cret");
    assertThat(c.datacenter()).isEqualTo("dc2");
    assertThat(c.namespace()).isEqualTo("team-a");
    assertThat(c.partition()).isEqualTo("p1");
    assertThat(c.blockingWait()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.onlyPassing()).isFalse();
    assertThat(c.tls().verify()).isTrue();
    assertThat(c.services()).hasSize(2);
    assertThat(c.services().get(0).path()).isEqualTo("/");
    assertThat(c.services().get(1).path()).isEqualTo("/api");
    assertThat(c.services().get(1).rateLimit()).isEqualTo(10);
    assertThat(c.services().get(1).toHttps()).isTrue();
  }

  @Test
  void defaults() throws Exception {
    ConsulSettings c =
        (ConsulSettings)
            parse("provider: consul\nconsul:\n  servers: [\"http://127.0.0.1:8500\"]\n").provider();
    assertThat(c.blockingWait()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.onlyPassing()).isTrue();
    assertThat(c.token()).isNull();
    assertThat(c.services()).isEmpty();
  }

  @Test
  void everyMistakeIsNamedWithItsLine() {
    assertThatThrownBy(
            () ->
                parse(
                    """
                    provider: consul
                    consul:
                      servers: ["consul:8500", "ftp://x"]
                      wait: 11m
                      tls: {cert_file: missing.crt}
                      services:
                        - hostname: "bad host"
                          upstream: shop
                        - upstream: "no/slashes"
                        - hostname: a.test
                          upstream: a
                          path: nope
                    """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("upstreams.yaml:3")
        .hasMessageContaining("'consul:8500' is not a base URL with scheme")
        .hasMessageContaining("'ftp://x'")
        .hasMessageContaining("upstreams.yaml:4")
        .hasMessageContaining("consul.wait")
        .hasMessageContaining("cannot read")
        .hasMessageContaining("cert_file and key_file go together")
        .hasMessageContaining("consul.services[0].hostname")
        .hasMessageContaining("consul.services[1].hostname: is required")
        .hasMessageContaining("'no/slashes' is not a service name")
        .hasMessageContaining("upstreams.yaml:12")
        .hasMessageContaining("'nope' is not a valid path prefix");
  }

  @Test
  void twoServicesCannotRouteTheSamePath() {
    assertThatThrownBy(
            () ->
                parse(
                    """
                    provider: consul
                    consul:
                      servers: ["http://c:8500"]
                      services:
                        - {hostname: a.test, upstream: one}
                        - {hostname: a.test, upstream: two, path: /}
                    """))
        .hasMessageContaining("another service already routes a.test/");
  }
}
