package io.aralez.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.aralez.controller.crd.AralezRoute;
import io.aralez.controller.crd.AralezRouteSpec;
import io.aralez.controller.snapshot.BuildResult;
import io.aralez.controller.snapshot.BuilderSettings;
import io.aralez.controller.snapshot.ClusterState;
import io.aralez.controller.snapshot.SnapshotBuilder;
import io.aralez.dataplane.source.controller.SnapshotTranslator;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * One bad object must never cost the whole cluster its updates: whatever users write, the snapshot
 * the controller builds is one every data plane accepts (problems stay with the object that has
 * them). Random clusters made of valid and hostile values, seeded so a failure repeats.
 */
@Tag("catalogue-2.13")
class BuilderTranslatorAgreementTest {
  static final String[] HOSTS = {
    "a.example.com",
    "*.example.com",
    "A.Example.COM",
    "*",
    "*.*.x.com",
    "bad host",
    "x_y.com",
    "-a.com",
    "a..com",
    "",
    "xn--bcher-kva.example",
    "a.example.com.",
    "1.2.3.4"
  };
  static final String[] PATHS = {
    "/", "/a", "/a/", "/a b", "/a{b}", "a", "", "/%2e%2e/x", "/ä", "/a;b", "/a?b", "//x", "/a\tb"
  };
  static final String[] TYPES = {"Prefix", "Exact", "ImplementationSpecific", "Regex", null};
  static final Map<String, String[]> ANNOTATIONS = new HashMap<>();

  static {
    ANNOTATIONS.put(
        "aralez.io/rate-limit-rps", new String[] {"10", "0", "-1", "x", "99999999999999999999"});
    ANNOTATIONS.put(
        "aralez.io/request-headers",
        new String[] {"X-A: 1", "Host: x", "Bad Name: 1", "X-B: a\u0001b", "no colon"});
    ANNOTATIONS.put(
        "aralez.io/response-headers", new String[] {"X-A: 1", "Transfer-Encoding: chunked", ": v"});
    ANNOTATIONS.put(
        "aralez.io/auth-type", new String[] {"basic", "apikey", "jwt", "forward", "kerberos"});
    ANNOTATIONS.put("aralez.io/auth-secret", new String[] {"users", "missing", "Bad/Name"});
    ANNOTATIONS.put(
        "aralez.io/auth-url", new String[] {"http://auth.svc/check", "ftp://x", "not a url"});
    ANNOTATIONS.put(
        "aralez.io/permanent-redirect",
        new String[] {"https://new.example.com", "javascript:x", "/relative"});
    ANNOTATIONS.put("aralez.io/ssl-redirect-code", new String[] {"308", "200", "abc"});
    ANNOTATIONS.put(
        "aralez.io/session-cookie-max-age", new String[] {"1h", "0s", "-5m", "forever"});
    ANNOTATIONS.put("aralez.io/affinity", new String[] {"cookie", "ip"});
    ANNOTATIONS.put("aralez.io/backend-protocol", new String[] {"GRPC", "HTTPS", "SPDY"});
    ANNOTATIONS.put("aralez.io/read-timeout", new String[] {"500ms", "2h", "0s", "soon"});
    ANNOTATIONS.put("aralez.io/connect-attempts", new String[] {"1", "5", "6", "0"});
    ANNOTATIONS.put("aralez.io/max-connections", new String[] {"1", "64", "0", "-3", "many"});
    ANNOTATIONS.put("aralez.io/queue-size", new String[] {"0", "100", "-1", "2000000"});
    ANNOTATIONS.put("aralez.io/queue-timeout", new String[] {"250ms", "5s", "0s", "2h", "x"});
    // ingress-nginx's, read in compat mode: hostile values must stay with their Ingress too.
    String n = "nginx.ingress.kubernetes.io/";
    ANNOTATIONS.put(n + "rewrite-target", new String[] {"/$2", "/a b", "http://x/$1", "$1"});
    ANNOTATIONS.put(n + "use-regex", new String[] {"true", "maybe"});
    ANNOTATIONS.put(n + "proxy-body-size", new String[] {"8m", "0", "15r", "99999999999g"});
    ANNOTATIONS.put(
        n + "whitelist-source-range", new String[] {"10.0.0.0/8", "10.0.0.0/33", "x", "::1/128"});
    ANNOTATIONS.put(n + "enable-cors", new String[] {"true", "false"});
    ANNOTATIONS.put(
        n + "cors-allow-origin",
        new String[] {"https://*.a.com", "*", "javascript:x", "https://a:99999"});
    ANNOTATIONS.put(n + "configuration-snippet", new String[] {"return 200;"});
    ANNOTATIONS.put(n + "upstream-vhost", new String[] {"internal", "$host", "a b"});
    ANNOTATIONS.put(n + "app-root", new String[] {"/app", "app", "//evil"});
    ANNOTATIONS.put(n + "auth-url", new String[] {"http://auth/check", "nope"});
    ANNOTATIONS.put(n + "auth-signin", new String[] {"http://$host/start", "bad url"});
    ANNOTATIONS.put(n + "canary", new String[] {"true", "false"});
    ANNOTATIONS.put(n + "canary-by-header", new String[] {"X-Canary", "bad header"});
    ANNOTATIONS.put(n + "canary-by-cookie", new String[] {"beta", "a;b"});
    ANNOTATIONS.put(n + "canary-weight", new String[] {"30", "101", "-1"});
    ANNOTATIONS.put(n + "affinity", new String[] {"cookie", "ip"});
    ANNOTATIONS.put(n + "session-cookie-name", new String[] {"route", "a=b"});
    ANNOTATIONS.put(n + "session-cookie-samesite", new String[] {"Lax", "Sometimes"});
    ANNOTATIONS.put(n + "default-backend", new String[] {"grpc", "Bad_Name", "missing"});
    ANNOTATIONS.put(n + "limit-connections", new String[] {"2", "0", "x"});
    ANNOTATIONS.put(n + "server-alias", new String[] {"alias.example.com", "bad host"});
  }

  static <T> T pick(Random r, T[] values) {
    return values[r.nextInt(values.length)];
  }

  /** Mostly the first (valid) value, so that objects get far enough to meet the others. */
  static <T> T mostly(Random r, T[] values) {
    return r.nextInt(4) > 0 ? values[0] : pick(r, values);
  }

  @Test
  void randomClustersAlwaysBuildSnapshotsTheDataPlaneAccepts() throws Exception {
    SnapshotBuilder builder =
        new SnapshotBuilder(
            new BuilderSettings(
                BuilderSettings.CONTROLLER_NAME,
                "aralez",
                false,
                io.aralez.controller.snapshot.nginx.NginxSettings.on()));
    for (int round = 0; round < 300; round++) {
      Random r = new Random(round);
      List<Ingress> ingresses = new ArrayList<>();
      List<AralezRoute> routes = new ArrayList<>();
      List<Service> services = new ArrayList<>();
      List<EndpointSlice> slices = new ArrayList<>();
      for (String s : List.of("web", "grpc")) {
        var port =
            new io.fabric8.kubernetes.api.model.ServicePortBuilder().withName("http").withPort(80);
        if (s.equals("grpc")) {
          port.withAppProtocol("kubernetes.io/h2c");
        }
        services.add(
            new ServiceBuilder()
                .withNewMetadata()
                .withNamespace("ns")
                .withName(s)
                .endMetadata()
                .withNewSpec()
                .addToPorts(port.build())
                .endSpec()
                .build());
        slices.add(
            new EndpointSliceBuilder()
                .withNewMetadata()
                .withNamespace("ns")
                .withName(s + "-1")
                .withLabels(Map.of("kubernetes.io/service-name", s))
                .endMetadata()
                .withAddressType("IPv4")
                .addNewPort()
                .withName("http")
                .withPort(8080)
                .endPort()
                .addNewEndpoint()
                .withAddresses(r.nextBoolean() ? "10.0.0.1" : "bogus")
                .endEndpoint()
                .build());
      }
      int n = 1 + r.nextInt(6);
      for (int i = 0; i < n; i++) {
        Map<String, String> ann = new HashMap<>();
        for (var e : ANNOTATIONS.entrySet()) {
          if (r.nextInt(4) == 0) {
            ann.put(e.getKey(), pick(r, e.getValue()));
          }
        }
        var spec =
            new io.fabric8.kubernetes.api.model.networking.v1.IngressSpecBuilder()
                .withIngressClassName("aralez");
        for (int k = 0; k < 1 + r.nextInt(3); k++) {
          spec.addNewRule()
              .withHost(r.nextInt(5) == 0 ? null : mostly(r, HOSTS))
              .withNewHttp()
              .addNewPath()
              .withPath(mostly(r, PATHS))
              .withPathType(mostly(r, TYPES))
              .withNewBackend()
              .withNewService()
              .withName(pick(r, new String[] {"web", "grpc", "missing"}))
              .withNewPort()
              .withName("http")
              .endPort()
              .endService()
              .endBackend()
              .endPath()
              .endHttp()
              .endRule();
        }
        if (r.nextInt(4) == 0) {
          spec.addNewTl().withHosts(pick(r, HOSTS)).withSecretName("cert").endTl();
        }
        ingresses.add(
            new io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder()
                .withNewMetadata()
                .withNamespace("ns")
                .withName("i" + i)
                .withCreationTimestamp("2026-01-0" + (1 + r.nextInt(3)) + "T00:00:00Z")
                .withAnnotations(ann)
                .endMetadata()
                .withSpec(spec.build())
                .build());
      }
      for (int i = 0; i < r.nextInt(3); i++) {
        AralezRouteSpec s = new AralezRouteSpec();
        s.hostnames = List.of(mostly(r, HOSTS));
        AralezRouteSpec.Rule rule = new AralezRouteSpec.Rule();
        AralezRouteSpec.Match m = new AralezRouteSpec.Match();
        m.path = new AralezRouteSpec.PathMatch();
        m.path.type = mostly(r, new String[] {"PathPrefix", "Exact", "Regex", null});
        m.path.value = mostly(r, PATHS);
        m.method = mostly(r, new String[] {"GET", "get", "BREW", null});
        AralezRouteSpec.NameValue h = new AralezRouteSpec.NameValue();
        h.name = mostly(r, new String[] {"X-Env", "Bad Name", ""});
        h.value = mostly(r, new String[] {"a", "b\nc", ""});
        m.headers.add(h);
        rule.matches.add(m);
        for (String svc : new String[] {"web", "grpc"}) {
          if (r.nextBoolean()) {
            AralezRouteSpec.Backend b = new AralezRouteSpec.Backend();
            b.service = new AralezRouteSpec.ServiceRef();
            b.service.name = svc;
            b.service.port = new AralezRouteSpec.Port();
            b.service.port.name = "http";
            b.weight = mostly(r, new Integer[] {1, 0, 50, -3, null});
            rule.backends.add(b);
          }
        }
        if (rule.backends.isEmpty() || r.nextInt(5) == 0) {
          rule.redirect = new AralezRouteSpec.Redirect();
          rule.redirect.url = pick(r, new String[] {"https://x.example.com", "nope"});
          rule.redirect.statusCode = pick(r, new Integer[] {301, 399, null});
        }
        s.routes = List.of(rule);
        AralezRoute ar = new AralezRoute();
        ar.setMetadata(
            new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
                .withNamespace("ns")
                .withName("r" + i)
                .withCreationTimestamp("2026-01-01T00:00:00Z")
                .build());
        ar.setSpec(s);
        routes.add(ar);
      }
      var secrets =
          List.of(
              new SecretBuilder()
                  .withNewMetadata()
                  .withNamespace("ns")
                  .withName("users")
                  .endMetadata()
                  .addToStringData("auth", "alice:$2y$10$x\n:\nbob")
                  .addToStringData("api-keys", "k1\n\nk2")
                  .addToStringData("jwt-secret", "s3cret")
                  .build(),
              new SecretBuilder()
                  .withNewMetadata()
                  .withNamespace("ns")
                  .withName("cert")
                  .endMetadata()
                  .withType("kubernetes.io/tls")
                  .addToStringData(
                      "tls.crt", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
                  .addToStringData(
                      "tls.key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
                  .build());
      BuildResult built =
          builder.build(
              new ClusterState(
                  List.of(Fixtures.ourClass()), ingresses, routes, services, slices, secrets));
      int seed = round;
      assertThatCode(
              () ->
                  assertThat(
                          io.aralez.dataplane.config.ConfigValidator.problems(
                              SnapshotTranslator.translate(
                                  built.routes(), built.endpoints(), built.version()),
                              false))
                      .isEmpty())
          .as("seed %d: %s", seed, built.statuses())
          .doesNotThrowAnyException();
      assertThat(built.statuses()).hasSize(ingresses.size() + routes.size());
    }
  }
}
