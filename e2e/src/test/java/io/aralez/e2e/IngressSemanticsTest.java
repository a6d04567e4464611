package io.aralez.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.controller.snapshot.BuildResult;
import io.aralez.controller.snapshot.BuilderSettings;
import io.aralez.controller.snapshot.ClusterState;
import io.aralez.controller.snapshot.SnapshotBuilder;
import io.aralez.dataplane.config.ProxyConfig;
import io.aralez.dataplane.proxy.NettyRequestHead;
import io.aralez.dataplane.request.Paths;
import io.aralez.dataplane.routing.RouteEntry;
import io.aralez.dataplane.runtime.ActiveConfig;
import io.aralez.dataplane.source.controller.SnapshotTranslator;
import io.aralez.dataplane.upstream.BackendRegistry;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPathBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Ingress path table of the Kubernetes docs (ingress-and-peers.md §1.2–§1.5), end to end
 * through the controller's builder, the data plane's translator and its router: which Service
 * answers each request.
 */
class IngressSemanticsTest {

  /**
   * @param rules "Type:path>service" separated by spaces; the service names an Ingress backend
   * @param expected the service that answers, or 404
   */
  @ParameterizedTest(name = "{0} | {1} {2} -> {3}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Prefix:/>a                               | h.example.com | /anything   | a",
        "Exact:/foo>a                             | h.example.com | /foo        | a",
        "Exact:/foo>a                             | h.example.com | /bar        | 404",
        "Exact:/foo>a                             | h.example.com | /foo/       | 404",
        "Exact:/foo>a                             | h.example.com | /FOO        | 404",
        "Exact:/foo/>a                            | h.example.com | /foo        | 404",
        "Prefix:/foo>a                            | h.example.com | /foo        | a",
        "Prefix:/foo>a                            | h.example.com | /foo/       | a",
        "Prefix:/foo/>a                           | h.example.com | /foo        | a",
        "Prefix:/foo/>a                           | h.example.com | /foo/       | a",
        "Prefix:/aaa/bb>a                         | h.example.com | /aaa/bbb    | 404",
        "Prefix:/aaa/bbb>a                        | h.example.com | /aaa/bbb    | a",
        "Prefix:/aaa/bbb>a                        | h.example.com | /aaa/bbb/   | a",
        "Prefix:/aaa/bbb>a                        | h.example.com | /aaa/bbb/ccc | a",
        "Prefix:/aaa/bbb>a                        | h.example.com | /aaa/bbbxyz | 404",
        "Prefix:/>a Prefix:/aaa>b                 | h.example.com | /aaa/ccc    | b",
        "Prefix:/>a Prefix:/aaa>b Prefix:/aaa/bbb>c | h.example.com | /aaa/bbb  | c",
        "Prefix:/>a Prefix:/aaa>b Prefix:/aaa/bbb>c | h.example.com | /ccc      | a",
        "Prefix:/aaa>a                            | h.example.com | /ccc        | 404",
        "Prefix:/foo>a Exact:/foo>b               | h.example.com | /foo        | b",
        "Prefix:/foo>a Exact:/foo>b               | h.example.com | /foo/x      | a",
        "ImplementationSpecific:/foo>a            | h.example.com | /foo/x      | a",
        "Prefix:/>a                               | H.Example.COM | /           | a",
        "Prefix:/>a                               | other.example.com | /       | 404",
        "@*.example.com Prefix:/>a                | bar.example.com | /         | a",
        "@*.example.com Prefix:/>a                | baz.bar.example.com | /     | 404",
        "@*.example.com Prefix:/>a                | example.com | /             | 404",
        "@ Prefix:/>a                             | anything.test | /x          | a",
        "Prefix:/app>a @ Prefix:/>b               | h.example.com | /other      | 404",
        "Prefix:/app>a @ Prefix:/>b               | z.example.com | /other      | b",
        "Prefix:/app>a default>b                  | h.example.com | /other      | b",
        "Prefix:/app>a default>b                  | z.example.com | /x          | b",
        "default>b                                | z.example.com | /x          | b",
      })
  void table(String rules, String host, String path, String expected) throws Exception {
    String currentHost = "h.example.com";
    Map<String, List<HTTPIngressPath>> byHost = new java.util.LinkedHashMap<>();
    String defaultService = null;
    for (String token : rules.trim().split("\\s+")) {
      if (token.startsWith("@")) {
        currentHost = token.substring(1);
        byHost.computeIfAbsent(currentHost, h -> new ArrayList<>());
        continue;
      }
      String[] kv = token.split(">");
      if (kv[0].equals("default")) {
        defaultService = kv[1];
        continue;
      }
      String[] tp = kv[0].split(":", 2);
      byHost
          .computeIfAbsent(currentHost, h -> new ArrayList<>())
          .add(
              new HTTPIngressPathBuilder()
                  .withPathType(tp[0])
                  .withPath(tp[1])
                  .withNewBackend()
                  .withNewService()
                  .withName(kv[1])
                  .withNewPort()
                  .withNumber(80)
                  .endPort()
                  .endService()
                  .endBackend()
                  .build());
    }
    IngressBuilder ing =
        new IngressBuilder()
            .withNewMetadata()
            .withNamespace("ns")
            .withName("t")
            .withCreationTimestamp("2026-01-01T00:00:00Z")
            .endMetadata();
    var spec = ing.withNewSpec().withIngressClassName("aralez");
    byHost.forEach(
        (h, paths) ->
            spec.addNewRule()
                .withHost(h.isEmpty() ? null : h)
                .withNewHttp()
                .withPaths(paths)
                .endHttp()
                .endRule());
    if (defaultService != null) {
      spec.withNewDefaultBackend()
          .withNewService()
          .withName(defaultService)
          .withNewPort()
          .withNumber(80)
          .endPort()
          .endService()
          .endDefaultBackend();
    }
    Ingress ingress = spec.endSpec().build();

    List<io.fabric8.kubernetes.api.model.Service> services = new ArrayList<>();
    List<EndpointSlice> slices = new ArrayList<>();
    String[] names = {"a", "b", "c"};
    for (int i = 0; i < names.length; i++) {
      services.add(
          new ServiceBuilder()
              .withNewMetadata()
              .withNamespace("ns")
              .withName(names[i])
              .endMetadata()
              .withNewSpec()
              .addNewPort()
              .withPort(80)
              .endPort()
              .endSpec()
              .build());
      slices.add(
          new EndpointSliceBuilder()
              .withNewMetadata()
              .withNamespace("ns")
              .withName(names[i] + "-x")
              .withLabels(Map.of("kubernetes.io/service-name", names[i]))
              .endMetadata()
              .withAddressType("IPv4")
              .addNewPort()
              .withPort(8000 + i)
              .endPort()
              .addNewEndpoint()
              .withAddresses("10.0.0." + (i + 1))
              .endEndpoint()
              .build());
    }
    BuildResult r =
        new SnapshotBuilder(BuilderSettings.defaults())
            .build(
                new ClusterState(
                    List.of(Fixtures.ourClass()),
                    List.of(ingress),
                    List.of(),
                    services,
                    slices,
                    List.of()));
    ProxyConfig config = SnapshotTranslator.translate(r.routes(), r.endpoints(), r.version());
    ActiveConfig active = ActiveConfig.compile(config, new BackendRegistry(), new byte[16]);
    String normalHost = io.aralez.common.values.HostNames.normalizeRequest(host);
    RouteEntry e =
        active
            .router()
            .route(
                normalHost,
                Paths.canonical(path),
                new NettyRequestHead(
                    new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path)));
    String served = e == null ? "404" : "" + (char) ('a' + e.backend(0).address().port() - 8000);
    assertThat(served).isEqualTo(expected);
  }
}
