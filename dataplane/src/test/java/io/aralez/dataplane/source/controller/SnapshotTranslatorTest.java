package io.aralez.dataplane.source.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aralez.api.v1.Auth;
import io.aralez.api.v1.Cluster;
import io.aralez.api.v1.ClusterEndpoints;
import io.aralez.api.v1.Endpoint;
import io.aralez.api.v1.EndpointSnapshot;
import io.aralez.api.v1.Header;
import io.aralez.api.v1.PathMatch;
import io.aralez.api.v1.Policy;
import io.aralez.api.v1.Route;
import io.aralez.api.v1.RouteSnapshot;
import io.aralez.api.v1.VirtualHost;
import io.aralez.api.v1.WeightedCluster;
import io.aralez.dataplane.config.ConfigException;
import io.aralez.dataplane.config.ConfigValidator;
import io.aralez.dataplane.config.ProxyConfig;
import io.aralez.dataplane.config.UpstreamProtocol;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("catalogue-2.13")
class SnapshotTranslatorTest {
  static RouteSnapshot.Builder snapshot(Route.Builder route) {
    return RouteSnapshot.newBuilder()
        .addVirtualHosts(VirtualHost.newBuilder().setName("h.example.com").addRoutes(route))
        .addClusters(Cluster.newBuilder().setName("a").setProtocol(Cluster.Protocol.H2C))
        .addClusters(Cluster.newBuilder().setName("b").setProtocol(Cluster.Protocol.H2C));
  }

  static EndpointSnapshot endpoints() {
    return EndpointSnapshot.newBuilder()
        .addClusters(
            ClusterEndpoints.newBuilder()
                .setCluster("a")
                .addEndpoints(Endpoint.newBuilder().setAddress("10.0.0.1").setPort(80))
                .addEndpoints(Endpoint.newBuilder().setAddress("fd00::1").setPort(80)))
        .addClusters(
            ClusterEndpoints.newBuilder()
                .setCluster("b")
                .addEndpoints(Endpoint.newBuilder().setAddress("10.0.0.2").setPort(81)))
        .build();
  }

  static Route.Builder route() {
    return Route.newBuilder()
        .setId("ns/Ingress/x/0/0")
        .setPath(PathMatch.newBuilder().setType(PathMatch.Type.EXACT).setValue("/e"))
        .addBackends(WeightedCluster.newBuilder().setCluster("a").setWeight(3))
        .addBackends(WeightedCluster.newBuilder().setCluster("b").setWeight(1));
  }

  @Test
  void translatesRoutesWeightsProtocolAndPolicies() throws Exception {
    ProxyConfig c =
        SnapshotTranslator.translate(
            snapshot(
                    route()
                        .setPolicy(
                            Policy.newBuilder()
                                .setRateLimitRps(7)
                                .addRequestHeaders(
                                    Header.newBuilder().setName("X-A").setValue("1"))))
                .build(),
            endpoints(),
            "v1");
    ProxyConfig.Route r = c.hosts().get(0).routes().get(0);
    assertThat(r.match().exact()).isTrue();
    assertThat(r.protocol()).isEqualTo(UpstreamProtocol.H2C);
    assertThat(r.rateLimit()).isEqualTo(7);
    assertThat(r.backends())
        .extracting(b -> b.address() + "=" + b.weight())
        .containsExactly("10.0.0.1:80=1500000", "[fd00::1]:80=1500000", "10.0.0.2:81=1000000");
    assertThat(c.version()).isEqualTo("v1");
  }

  @Test
  void refusesWhatTheProxyCouldNotEnforceAndNamesEveryProblem() throws Exception {
    // What cannot be translated at all is the translator's error...
    RouteSnapshot missing =
        snapshot(
                route()
                    .addBackends(WeightedCluster.newBuilder().setCluster("missing").setWeight(1)))
            .build();
    assertThatThrownBy(() -> SnapshotTranslator.translate(missing, endpoints(), "v1"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("missing");
    // ...and every value the proxy could not enforce is the validator's, by the rules a file meets.
    RouteSnapshot bad =
        snapshot(
                route()
                    .setPath(PathMatch.newBuilder().setValue("no-slash"))
                    .setPolicy(
                        Policy.newBuilder()
                            .setRedirectCode(200)
                            .addRequestHeaders(
                                Header.newBuilder().setName("Transfer-Encoding").setValue("x"))
                            .addRequestHeaders(Header.newBuilder().setName("Host").setValue("x"))))
            .build();
    assertThat(refusal(bad))
        .contains("no-slash")
        .contains("redirect code 200")
        .contains("Transfer-Encoding")
        .contains("'Host' is managed by the proxy");
    RouteSnapshot badHost =
        RouteSnapshot.newBuilder()
            .addVirtualHosts(VirtualHost.newBuilder().setName("Bad Host"))
            .build();
    assertThat(refusal(badHost)).contains("Bad Host");
    EndpointSnapshot hostname =
        EndpointSnapshot.newBuilder()
            .addClusters(
                ClusterEndpoints.newBuilder()
                    .setCluster("a")
                    .addEndpoints(Endpoint.newBuilder().setAddress("evil.example.com").setPort(80)))
            .build();
    assertThatThrownBy(
            () -> SnapshotTranslator.translate(snapshot(route()).build(), hostname, "v4"))
        .hasMessageContaining("not an IP address");
  }

  @Test
  void upstreamTlsSettingsAreCheckedBeforeTheyGoLive() throws Exception {
    io.aralez.api.v1.UpstreamTls.Builder tls =
        io.aralez.api.v1.UpstreamTls.newBuilder()
            .setVerify(true)
            .setServerName("backend.internal")
            .setVerifyDepth(2);
    ProxyConfig c =
        SnapshotTranslator.translate(
            snapshot(route().setPolicy(Policy.newBuilder().setUpstreamTls(tls))).build(),
            endpoints(),
            "v");
    var spec = c.hosts().get(0).routes().get(0).upstream().tls();
    assertThat(spec.verify()).isTrue();
    assertThat(spec.verifyDepth()).isEqualTo(2);
    assertThat(spec.sni("request.host")).isEqualTo("backend.internal");
    assertThat(ConfigValidator.problems(c, false)).isEmpty();
    // Without verify or send_server_name no SNI goes out: the backend is reached by address.
    assertThat(
            new io.aralez.dataplane.config.UpstreamTlsSpec(null, null, null, false, null, false, 1)
                .sni("request.host"))
        .isNull();
    for (var bad :
        java.util.List.of(
            tls.clone()
                .setCaPem("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----"),
            tls.clone().setCertPem("no pem here").setKeyPem("nor here"),
            tls.clone().setKeyPem("a key without its certificate"),
            tls.clone().setServerName("bad name!"),
            tls.clone().setVerifyDepth(50))) {
      String problems =
          refusal(snapshot(route().setPolicy(Policy.newBuilder().setUpstreamTls(bad))).build());
      assertThat(problems).as(bad.toString()).isNotEmpty();
    }
  }

  /** What a data plane refuses of a snapshot that translates: the validator's problems. */
  private static String refusal(RouteSnapshot r) throws ConfigException {
    ProxyConfig c = SnapshotTranslator.translate(r, endpoints(), "v");
    return String.join("\n", ConfigValidator.problems(c, false));
  }

  @Test
  void unreadableCredentialsFailClosed() throws Exception {
    ProxyConfig c =
        SnapshotTranslator.translate(
            snapshot(
                    route()
                        .setPolicy(
                            Policy.newBuilder()
                                .setAuth(
                                    Auth.newBuilder().setType(Auth.Type.JWT).addCredentials(""))))
                .build(),
            endpoints(),
            "v5");
    assertThat(c.hosts().get(0).routes().get(0).directStatus()).isEqualTo(503);
  }

  @Test
  void acmeChallengesReachTheConfigAndBadTokensAreRefused() throws Exception {
    ProxyConfig c =
        SnapshotTranslator.translate(
            snapshot(route())
                .addAcmeChallenges(
                    io.aralez.api.v1.AcmeChallenge.newBuilder()
                        .setToken("tok_-1")
                        .setKeyAuthorization("tok_-1.thumb"))
                .build(),
            endpoints(),
            "v");
    assertThat(c.acmeChallenges()).containsExactly(java.util.Map.entry("tok_-1", "tok_-1.thumb"));
    assertThatThrownBy(
            () ->
                SnapshotTranslator.translate(
                    snapshot(route())
                        .addAcmeChallenges(
                            io.aralez.api.v1.AcmeChallenge.newBuilder()
                                .setToken("../../etc")
                                .setKeyAuthorization("x"))
                        .build(),
                    endpoints(),
                    "v"))
        .hasMessageContaining("ACME challenge");
  }

  @Test
  void passthroughHostsGetTheirClustersEndpointsAndBadOnesAreRefused() throws Exception {
    ProxyConfig c =
        SnapshotTranslator.translate(
            snapshot(route())
                .addPassthrough(
                    io.aralez.api.v1.Passthrough.newBuilder()
                        .setHost("argocd.example.com")
                        .setCluster("a"))
                .build(),
            endpoints(),
            "v");
    assertThat(c.passthrough())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.host()).isEqualTo("argocd.example.com");
              assertThat(p.backends()).extracting(Object::toString).hasSize(2);
            });
    assertThatThrownBy(
            () ->
                SnapshotTranslator.translate(
                    snapshot(route())
                        .addPassthrough(
                            io.aralez.api.v1.Passthrough.newBuilder()
                                .setHost("x.example.com")
                                .setCluster("nowhere"))
                        .build(),
                    endpoints(),
                    "v"))
        .hasMessageContaining("unknown cluster 'nowhere'");
    for (String bad : new String[] {"*.example.com", "DEFAULT", "Upper.example.com", "a b"}) {
      assertThat(
              refusal(
                  snapshot(route())
                      .addPassthrough(
                          io.aralez.api.v1.Passthrough.newBuilder().setHost(bad).setCluster("a"))
                      .build()))
          .as(bad)
          .contains("passthrough '" + bad + "' is not an exact lower-case host name");
    }
    var twice = io.aralez.api.v1.Passthrough.newBuilder().setHost("t.example.com").setCluster("a");
    assertThat(refusal(snapshot(route()).addPassthrough(twice).addPassthrough(twice).build()))
        .contains("passthrough t.example.com is defined twice");
  }

  @Test
  void aFallbackForErrorsOnlyNeverStandsInForMissingEndpoints() throws Exception {
    EndpointSnapshot eps =
        endpoints().toBuilder()
            .addClusters(ClusterEndpoints.newBuilder().setCluster("empty"))
            .build();
    Route.Builder r =
        Route.newBuilder()
            .setId("ns/Ingress/x/0/0")
            .setPath(PathMatch.newBuilder().setType(PathMatch.Type.PREFIX).setValue("/"))
            .addBackends(WeightedCluster.newBuilder().setCluster("empty").setWeight(1))
            .addFallbackBackends(WeightedCluster.newBuilder().setCluster("b").setWeight(1))
            .setRules(io.aralez.api.v1.RouteRules.newBuilder().addInterceptCodes(404));
    RouteSnapshot.Builder snap = snapshot(r).addClusters(Cluster.newBuilder().setName("empty"));
    // ingress-nginx's default-backend annotation: it answers while the Service has no endpoint.
    ProxyConfig standIn = SnapshotTranslator.translate(snap.build(), eps, "v");
    assertThat(standIn.hosts().get(0).routes().get(0).backends())
        .extracting(b -> b.address().toString())
        .containsExactly("10.0.0.2:81");
    // The controller's --default-backend-service: only the error pages, else 503 (no backend).
    snap.getVirtualHostsBuilder(0).getRoutesBuilder(0).setFallbackErrorsOnly(true);
    ProxyConfig.Route errorsOnly =
        SnapshotTranslator.translate(snap.build(), eps, "v").hosts().get(0).routes().get(0);
    assertThat(errorsOnly.backends()).isEmpty();
    assertThat(errorsOnly.rules().errorPages().intercepts(404)).isTrue();
    assertThat(errorsOnly.rules().errorPages().backends())
        .extracting(b -> b.address().toString())
        .containsExactly("10.0.0.2:81");
  }
}
