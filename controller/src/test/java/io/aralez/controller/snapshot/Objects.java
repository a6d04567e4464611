package io.aralez.controller.snapshot;

import io.aralez.controller.crd.AralezRoute;
import io.aralez.controller.crd.AralezRouteSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPathBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackendBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLSBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** Small builders of the Kubernetes objects the builder tests feed in. */
public final class Objects {
  private Objects() {}

  public static IngressClass ourClass(String name, boolean isDefault) {
    return new IngressClassBuilder()
        .withNewMetadata()
        .withName(name)
        .withAnnotations(
            isDefault ? Map.of(ClassFilter.DEFAULT_CLASS_ANNOTATION, "true") : Map.of())
        .endMetadata()
        .withNewSpec()
        .withController(BuilderSettings.CONTROLLER_NAME)
        .endSpec()
        .build();
  }

  public static IngressClass foreignClass(String name) {
    return new IngressClassBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withController("example.com/other")
        .endSpec()
        .build();
  }

  /** A path of an Ingress rule: type, path, service, port (number or name). */
  public record P(String type, String path, String service, Object port) {}

  public static P p(String type, String path, String service, Object port) {
    return new P(type, path, service, port);
  }

  /** An Ingress builder with terse rules. */
  public static final class Ing {
    private final IngressBuilder b = new IngressBuilder();
    private final List<io.fabric8.kubernetes.api.model.networking.v1.IngressRule> rules =
        new ArrayList<>();
    private final List<io.fabric8.kubernetes.api.model.networking.v1.IngressTLS> tls =
        new ArrayList<>();
    private final ObjectMetaBuilder meta = new ObjectMetaBuilder();
    private String className = "aralez";
    private io.fabric8.kubernetes.api.model.networking.v1.IngressBackend defaultBackend;

    public Ing(String ns, String name, String created) {
      meta.withNamespace(ns).withName(name).withCreationTimestamp(created).withGeneration(1L);
    }

    public Ing className(String c) {
      className = c;
      return this;
    }

    public Ing annotation(String k, String v) {
      meta.addToAnnotations(k, v);
      return this;
    }

    public Ing deleting() {
      meta.withDeletionTimestamp("2026-01-01T00:00:00Z");
      return this;
    }

    public Ing rule(String host, P... paths) {
      var r = new IngressRuleBuilder().withHost(host);
      if (paths.length > 0) {
        var http = r.withNewHttp();
        for (P p : paths) {
          http.addToPaths(
              new HTTPIngressPathBuilder()
                  .withPathType(p.type())
                  .withPath(p.path())
                  .withBackend(backend(p.service(), p.port()))
                  .build());
        }
        http.endHttp();
      }
      rules.add(r.build());
      return this;
    }

    public Ing defaultBackend(String service, Object port) {
      defaultBackend = backend(service, port);
      return this;
    }

    public Ing tls(String secret, String... hosts) {
      tls.add(new IngressTLSBuilder().withSecretName(secret).withHosts(hosts).build());
      return this;
    }

    public Ingress build() {
      return b.withMetadata(meta.build())
          .withNewSpec()
          .withIngressClassName(className)
          .withRules(rules)
          .withTls(tls)
          .withDefaultBackend(defaultBackend)
          .endSpec()
          .build();
    }
  }

  static io.fabric8.kubernetes.api.model.networking.v1.IngressBackend backend(
      String service, Object port) {
    var sb = new IngressBackendBuilder().withNewService().withName(service).withNewPort();
    if (port instanceof Integer n) {
      sb.withNumber(n);
    } else {
      sb.withName((String) port);
    }
    return sb.endPort().endService().build();
  }

  /** A Service with named ports: "http=80", or "=8080" for an unnamed one; "https=443/https". */
  public static Service service(String ns, String name, String... ports) {
    var b = new ServiceBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata();
    var spec = b.withNewSpec();
    for (String p : ports) {
      String[] nv = p.split("=");
      String[] numApp = nv[1].split("/");
      var port =
          new ServicePortBuilder()
              .withName(nv[0].isEmpty() ? null : nv[0])
              .withPort(Integer.parseInt(numApp[0]));
      if (numApp.length > 1) {
        port.withAppProtocol(numApp[1]);
      }
      spec.addToPorts(port.build());
    }
    return spec.endSpec().build();
  }

  /**
   * An EndpointSlice of a Service: port "name=number" and endpoints "ip" (ready), "ip!" (not ready)
   * or "ip~" (terminating).
   */
  public static EndpointSlice slice(
      String ns, String name, String service, String port, String... endpoints) {
    String[] nv = port.split("=");
    var b =
        new EndpointSliceBuilder()
            .withNewMetadata()
            .withNamespace(ns)
            .withName(name)
            .withLabels(Map.of(Lookups.SERVICE_NAME_LABEL, service))
            .endMetadata()
            .withAddressType("IPv4")
            .addNewPort()
            .withName(nv[0].isEmpty() ? null : nv[0])
            .withPort(Integer.parseInt(nv[1]))
            .endPort();
    for (String e : endpoints) {
      boolean notReady = e.endsWith("!");
      boolean terminating = e.endsWith("~");
      String ip = notReady || terminating ? e.substring(0, e.length() - 1) : e;
      b.addToEndpoints(
          new EndpointBuilder()
              .withAddresses(ip)
              .withNewConditions()
              .withReady(!notReady && !terminating)
              .withServing(!notReady)
              .withTerminating(terminating)
              .endConditions()
              .build());
    }
    return b.build();
  }

  public static Secret secret(String ns, String name, String type, Map<String, String> data) {
    var b = new SecretBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata();
    b.withType(type);
    for (var e : data.entrySet()) {
      b.addToData(
          e.getKey(),
          Base64.getEncoder().encodeToString(e.getValue().getBytes(StandardCharsets.UTF_8)));
    }
    return b.build();
  }

  public static AralezRoute route(String ns, String name, String created, AralezRouteSpec spec) {
    AralezRoute r = new AralezRoute();
    r.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(ns)
            .withName(name)
            .withCreationTimestamp(created)
            .withGeneration(3L)
            .build());
    r.setSpec(spec);
    return r;
  }
}
