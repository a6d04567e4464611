package io.aralez.dataplane.source.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.dataplane.config.HostPort;
import io.aralez.dataplane.config.ProxyConfig;
import io.aralez.dataplane.config.ProxyConfig.Header;
import io.aralez.dataplane.config.ProxyConfig.Route;
import io.aralez.dataplane.config.yaml.Problems;
import io.aralez.dataplane.source.file.UpstreamsDocument;
import io.aralez.dataplane.source.file.UpstreamsParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiscoveryComposerTest {
  private static final String FILE =
      """
      provider: consul
      rate_limit: 100
      client_headers: ["X-Global:g", "X-Shared:global"]
      authorization: {type: apikey, data: "k"}
      consul:
        servers: ["http://127.0.0.1:8500"]
        services:
          - {hostname: shop.test, upstream: shop}
          - {hostname: shop.test, upstream: api, path: /api, rate_limit: 5,
             client_headers: ["X-Shared:svc"]}
          - {hostname: static.test, upstream: shadowed}
      upstreams:
        static.test:
          paths:
            "/": {servers: ["127.0.0.1:9"]}
      """;

  private static UpstreamsDocument doc() throws Exception {
    return UpstreamsParser.parseDocument(
        new UpstreamsParser.Source("upstreams.yaml", FILE),
        List.of(),
        "f1",
        Path.of("."),
        new Problems());
  }

  private static Route route(ProxyConfig c, String host, String path) {
    return c.hosts().stream()
        .filter(h -> h.name().equals(host))
        .flatMap(h -> h.routes().stream())
        .filter(r -> r.path().equals(path))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void servicesBecomeRoutesWithTheFilesPoliciesAndTheInstancesAsBackends() throws Exception {
    UpstreamsDocument doc = doc();
    ServiceSpec tagged =
        new ServiceSpec(
            "tagged.test", "/", "t", List.of(), List.of(), null, null, true, null, "tag");
    Found found =
        new Found(
            Map.of(
                "shop", List.of(HostPort.parse("10.0.0.1:80"), HostPort.parse("10.0.0.2:80")),
                "t", List.of(HostPort.parse("10.0.0.9:81"))),
            List.of(tagged),
            List.of());
    List<String> warnings = new ArrayList<>();
    var listed = ((DiscoverySettings) doc.provider()).services();
    ProxyConfig c = DiscoveryComposer.compose(doc, listed, found, "consul", warnings);

    Route shop = route(c, "shop.test", "/");
    assertThat(shop.backends())
        .extracting(b -> b.address().toString())
        .containsExactly("10.0.0.1:80", "10.0.0.2:80");
    assertThat(shop.rateLimit()).isEqualTo(100);
    assertThat(shop.auth().type()).isEqualTo(ProxyConfig.AuthPolicy.Type.APIKEY);
    // Not answered yet: routed, with no backend (503) until discovery answers.
    Route api = route(c, "shop.test", "/api");
    assertThat(api.backends()).isEmpty();
    assertThat(api.rateLimit()).isEqualTo(5);
    assertThat(api.clientHeaders())
        .containsExactly(new Header("X-Global", "g"), new Header("X-Shared", "svc"));
    assertThat(route(c, "tagged.test", "/").toHttps()).isTrue();
    // The file's own host wins over a service for the same path, with a warning.
    assertThat(route(c, "static.test", "/").backends())
        .extracting(b -> b.address().toString())
        .containsExactly("127.0.0.1:9");
    assertThat(warnings).singleElement().asString().contains("shadowed");
  }

  @Test
  void equalInputsGiveEqualConfigsAndVersions() throws Exception {
    UpstreamsDocument doc = doc();
    var listed = ((DiscoverySettings) doc.provider()).services();
    Found a =
        new Found(Map.of("shop", List.of(HostPort.parse("10.0.0.1:80"))), List.of(), List.of());
    Found b =
        new Found(Map.of("shop", List.of(HostPort.parse("10.0.0.1:80"))), List.of(), List.of());
    Found other =
        new Found(Map.of("shop", List.of(HostPort.parse("10.0.0.2:80"))), List.of(), List.of());
    ProxyConfig ca = DiscoveryComposer.compose(doc, listed, a, "c", new ArrayList<>());
    ProxyConfig cb = DiscoveryComposer.compose(doc, listed, b, "c", new ArrayList<>());
    ProxyConfig co = DiscoveryComposer.compose(doc, listed, other, "c", new ArrayList<>());
    assertThat(ca).isEqualTo(cb);
    assertThat(ca.version()).isNotEqualTo(co.version()).startsWith("f1+");
  }
}
