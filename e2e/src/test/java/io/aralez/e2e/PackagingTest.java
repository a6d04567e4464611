package io.aralez.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * deploy/ and charts/aralez: they parse, render (helm lint and template through helm-java), are
 * created without error by the mock API server, keep the CRD identical to crds/, and grant the
 * controller exactly the access it uses.
 */
@EnableKubernetesMockClient(crud = true)
@Tag("catalogue-2.14")
class PackagingTest {
  static final Path HOME = Processes.HOME;
  static final Path CHART = HOME.resolve("charts/aralez");

  KubernetesClient client;

  /**
   * Everything the controller does with the API, as "group/resource:verb" (see ClusterEvents and
   * ReferencedSecrets, StatusWriter, ReplicaReports, TokenSecret, and JOSDK's leader election).
   */
  static final Set<String> CLUSTER_ACCESS =
      Set.of(
          "networking.k8s.io/ingresses:get",
          "networking.k8s.io/ingresses:list",
          "networking.k8s.io/ingresses:watch",
          "networking.k8s.io/ingressclasses:get",
          "networking.k8s.io/ingressclasses:list",
          "networking.k8s.io/ingressclasses:watch",
          "networking.k8s.io/ingresses/status:get",
          "networking.k8s.io/ingresses/status:patch",
          "networking.k8s.io/ingresses/status:update",
          "/services:get",
          "/services:list",
          "/services:watch",
          "/secrets:get",
          "/secrets:list",
          "/secrets:watch",
          "discovery.k8s.io/endpointslices:get",
          "discovery.k8s.io/endpointslices:list",
          "discovery.k8s.io/endpointslices:watch",
          "aralez.io/aralezroutes:get",
          "aralez.io/aralezroutes:list",
          "aralez.io/aralezroutes:watch",
          "aralez.io/aralezroutes/status:get",
          "aralez.io/aralezroutes/status:patch",
          "aralez.io/aralezroutes/status:update",
          "/events:create",
          "/events:patch",
          "authorization.k8s.io/selfsubjectrulesreviews:create");

  /**
   * With ingress-nginx compatibility: its controller ConfigMap and the ConfigMaps Ingresses name,
   * each watched by name (ClusterEvents, ReferencedObjects).
   */
  static final Set<String> NGINX_ACCESS =
      Set.of("/configmaps:get", "/configmaps:list", "/configmaps:watch");

  /** With ACME on: the certificate Secrets (CertificateSecrets) in the Ingresses' namespaces. */
  static final Set<String> ACME_ACCESS = Set.of("/secrets:create", "/secrets:update");

  static final Set<String> NAMESPACE_ACCESS =
      Set.of(
          "coordination.k8s.io/leases:get", "coordination.k8s.io/leases:list",
          "coordination.k8s.io/leases:watch", "coordination.k8s.io/leases:create",
          "coordination.k8s.io/leases:update", "coordination.k8s.io/leases:patch",
          "coordination.k8s.io/leases:delete", "/secrets:create");

  static Set<String> access(List<PolicyRule> rules) {
    Set<String> out = new TreeSet<>();
    for (PolicyRule r : rules) {
      assertThat(r.getResourceNames()).isNullOrEmpty();
      for (String g : r.getApiGroups()) {
        for (String res : r.getResources()) {
          for (String v : r.getVerbs()) {
            assertThat(v).isNotEqualTo("*");
            out.add(g + "/" + res + ":" + v);
          }
        }
      }
    }
    return out;
  }

  List<HasMetadata> load(String yaml) {
    return client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
  }

  /** Creates every object (namespaces and CRDs first) against the mock API server. */
  void createAll(List<HasMetadata> objects) {
    List<HasMetadata> ordered = new ArrayList<>(objects);
    ordered.sort((a, b) -> Integer.compare(rank(a), rank(b)));
    for (HasMetadata o : ordered) {
      HasMetadata created =
          o instanceof io.fabric8.kubernetes.api.model.GenericKubernetesResource g
              ? client
                  .genericKubernetesResources(g.getApiVersion(), g.getKind())
                  .inNamespace(g.getMetadata().getNamespace())
                  .resource(g)
                  .create()
              : client.resource(o).create();
      assertThat(created.getMetadata().getUid())
          .as(o.getKind() + " " + o.getMetadata().getName())
          .isNotNull();
    }
  }

  static int rank(HasMetadata o) {
    return switch (o.getKind()) {
      case "Namespace" -> 0;
      case "CustomResourceDefinition" -> 1;
      default -> 2;
    };
  }

  /** The security rules every Aralez pod follows. */
  static void hardened(PodSpec pod) {
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    for (Container c : pod.getContainers()) {
      assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
      assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
      assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
      assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
      assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
      assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
      assertThat(c.getResources().getLimits()).containsKey("memory");
    }
  }

  static void checkObjects(List<HasMetadata> objects, String namespace) {
    List<String> kinds = objects.stream().map(HasMetadata::getKind).toList();
    assertThat(kinds)
        .contains(
            "IngressClass",
            "ServiceAccount",
            "ClusterRole",
            "ClusterRoleBinding",
            "Role",
            "RoleBinding",
            "Deployment",
            "Service",
            "ConfigMap",
            "NetworkPolicy",
            "PodDisruptionBudget");
    for (HasMetadata o : objects) {
      if (o instanceof ClusterRole cr) {
        assertThat(access(cr.getRules()))
            .isEqualTo(cr.getMetadata().getName().endsWith("-acme") ? ACME_ACCESS : CLUSTER_ACCESS);
      } else if (o instanceof Role r) {
        assertThat(access(r.getRules())).isEqualTo(NAMESPACE_ACCESS);
        assertThat(r.getMetadata().getNamespace()).isEqualTo(namespace);
      } else if (o instanceof Deployment d) {
        hardened(d.getSpec().getTemplate().getSpec());
        assertThat(d.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
            .isGreaterThanOrEqualTo(30L);
      } else if (o instanceof DaemonSet ds) {
        hardened(ds.getSpec().getTemplate().getSpec());
      } else if (o instanceof io.fabric8.kubernetes.api.model.ServiceAccount sa
          && sa.getMetadata().getName().endsWith("proxy")) {
        assertThat(sa.getAutomountServiceAccountToken())
            .as("the data plane needs no API")
            .isFalse();
      }
    }
  }

  @Test
  void deployManifestsParseAreHardenedAndCreateWithoutError() throws Exception {
    List<HasMetadata> all = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> s = Files.walk(HOME.resolve("deploy"))) {
      files =
          s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
              .sorted()
              .toList();
    }
    for (Path f : files) {
      if (f.getFileName().toString().equals("kustomization.yaml")) {
        String k = Files.readString(f);
        for (Path other : files) {
          String rel = HOME.resolve("deploy").relativize(other).toString();
          if (!rel.equals("kustomization.yaml") && !rel.startsWith("variants/")) {
            assertThat(k).as("kustomization lists " + rel).contains(rel);
          }
        }
        continue;
      }
      all.addAll(load(Files.readString(f)));
    }
    assertThat(Files.readString(HOME.resolve("deploy/crds/aralezroutes.aralez.io-v1.yml")))
        .isEqualTo(Files.readString(HOME.resolve("crds/aralezroutes.aralez.io-v1.yml")));
    checkObjects(all, "aralez");
    // The DaemonSet variant replaces the Deployment of the same name.
    createAll(all.stream().filter(o -> !(o instanceof DaemonSet)).toList());
    createAll(all.stream().filter(o -> o instanceof DaemonSet).toList());
  }

  @Test
  void chartLintsRendersLikeDeployAndKeepsTheCrdIdentical() throws Exception {
    LintResult lint = new Helm(CHART).lint().strict().call();
    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    assertThat(Files.readString(CHART.resolve("crds/aralezroutes.aralez.io-v1.yml")))
        .isEqualTo(Files.readString(HOME.resolve("crds/aralezroutes.aralez.io-v1.yml")));
    assertThat(Files.readString(CHART.resolve("Chart.yaml")))
        .contains(
            "appVersion: \""
                + System.getProperty("project.version", "0.1.0").replace("-SNAPSHOT", "")
                + "\"");

    String defaults =
        new Helm(CHART)
            .template()
            .withName("aralez")
            .withNamespace("edge")
            .withKubeVersion("1.30.0")
            .call();
    List<HasMetadata> objects = load(defaults);
    checkObjects(objects, "edge");
    client
        .resource(
            new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata()
                .withName("edge")
                .endMetadata()
                .build())
        .create();
    createAll(objects);
    Deployment proxy =
        client.apps().deployments().inNamespace("edge").withName("aralez-proxy").get();
    assertThat(proxy.getSpec().getReplicas()).isEqualTo(2);
    assertThat(
            client
                .configMaps()
                .inNamespace("edge")
                .withName("aralez-proxy")
                .get()
                .getData()
                .get("upstreams.yaml"))
        .contains("controller: aralez-controller.edge.svc:18000");
    Deployment controller =
        client.apps().deployments().inNamespace("edge").withName("aralez-controller").get();
    assertThat(controller.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .contains("--publish-service=edge/aralez-proxy", "--token-secret=aralez-dataplane-token");
  }

  @Test
  void chartValuesChangeWhatTheyName() throws Exception {
    String rendered =
        new Helm(CHART)
            .template()
            .withName("web")
            .withNamespace("ingress")
            .withKubeVersion("1.30.0")
            .set("image.tag", "9.9.9")
            .set("controller.replicas", "3")
            .set("ingressClass.name", "edge")
            .set("ingressClass.default", "true")
            .set("dataplane.kind", "DaemonSet")
            .set("dataplane.service.type", "NodePort")
            .set("dataplane.service.annotations.example\\.com/lb", "internal")
            .set("dataplane.tlsGrade", "high")
            .set("dataplane.nodeSelector.role", "edge")
            .set("controller.extraArgs[0]", "--watch-ingress-without-class=true")
            .set("metrics.serviceMonitor.enabled", "true")
            .set("networkPolicy.enabled", "false")
            .set("acme.enabled", "true")
            .set("acme.email", "ops@example.com")
            .set("nginx.compat", "true")
            .set("nginx.configMap", "ingress-nginx/ingress-nginx-controller")
            .set("nginx.sslPassthrough", "true")
            .set("controller.defaultBackendService", "edge/errors")
            .call();
    List<HasMetadata> objects = load(rendered);
    List<String> kinds = objects.stream().map(HasMetadata::getKind).toList();
    assertThat(kinds).contains("DaemonSet", "ServiceMonitor").doesNotContain("NetworkPolicy");
    assertThat(kinds.stream().filter(k -> k.equals("Deployment"))).hasSize(1);
    for (HasMetadata o : objects) {
      if (o instanceof Deployment d) {
        assertThat(d.getSpec().getReplicas()).isEqualTo(3);
        Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getImage()).isEqualTo("ghcr.io/aralez/aralez:9.9.9");
        assertThat(c.getArgs())
            .contains(
                "--ingress-class=edge",
                "--watch-ingress-without-class=true",
                "--acme-directory=acme://letsencrypt.org/staging",
                "--acme-email=ops@example.com",
                "--nginx-compat=true",
                "--nginx-compat-quirks=true",
                "--nginx-configmap=ingress-nginx/ingress-nginx-controller",
                "--enable-ssl-passthrough=true",
                "--default-backend-service=edge/errors");
      } else if (o instanceof ClusterRole cr) {
        Set<String> want = new TreeSet<>(CLUSTER_ACCESS);
        want.addAll(ACME_ACCESS);
        want.addAll(NGINX_ACCESS);
        assertThat(access(cr.getRules()))
            .as("ACME adds Secret writes, compat ConfigMap reads")
            .isEqualTo(want);
      } else if (o instanceof Role r) {
        assertThat(r.getMetadata().getName())
            .as("compat needs no Role of its own")
            .doesNotEndWith("-nginx-config");
      } else if (o instanceof DaemonSet ds) {
        assertThat(ds.getSpec().getTemplate().getSpec().getNodeSelector())
            .containsEntry("role", "edge");
      } else if (o instanceof io.fabric8.kubernetes.api.model.networking.v1.IngressClass ic) {
        assertThat(ic.getMetadata().getName()).isEqualTo("edge");
        assertThat(ic.getMetadata().getAnnotations())
            .containsEntry("ingressclass.kubernetes.io/is-default-class", "true");
      } else if (o instanceof io.fabric8.kubernetes.api.model.Service s
          && s.getMetadata().getName().equals("web-aralez-proxy")) {
        assertThat(s.getSpec().getType()).isEqualTo("NodePort");
        assertThat(s.getMetadata().getAnnotations()).containsEntry("example.com/lb", "internal");
      } else if (o instanceof io.fabric8.kubernetes.api.model.ConfigMap cm) {
        assertThat(cm.getData().get("main.yaml")).contains("proxy_tls_grade: high");
      }
    }
    client
        .resource(
            new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata()
                .withName("ingress")
                .endMetadata()
                .build())
        .create();
    // The Prometheus Operator's CRD, as a cluster that has it would.
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .resource(
            new io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder()
                .withNewMetadata()
                .withName("servicemonitors.monitoring.coreos.com")
                .endMetadata()
                .withNewSpec()
                .withGroup("monitoring.coreos.com")
                .withScope("Namespaced")
                .withNewNames()
                .withKind("ServiceMonitor")
                .withPlural("servicemonitors")
                .withSingular("servicemonitor")
                .endNames()
                .addNewVersion()
                .withName("v1")
                .withServed(true)
                .withStorage(true)
                .endVersion()
                .endSpec()
                .build())
        .create();
    createAll(objects);
  }
}
