package io.aralez.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import java.nio.file.Path;
import java.util.Map;

/** Objects and files the end-to-end tests and the scale benchmark share. */
public final class Fixtures {
  private Fixtures() {}

  /** An Ingress of class aralez: one host, one Prefix path to port "http" of a Service. */
  public static Ingress ingress(
      String ns, String name, String host, String path, String service, Map<String, String> ann) {
    return ingress(ns, name, "aralez", host, path, "Prefix", service, ann);
  }

  /** An Ingress of {@code className}: one host, one path to port "http" of a Service. */
  public static Ingress ingress(
      String ns,
      String name,
      String className,
      String host,
      String path,
      String pathType,
      String service,
      Map<String, String> ann) {
    return new IngressBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(name)
        .withAnnotations(ann)
        .endMetadata()
        .withNewSpec()
        .withIngressClassName(className)
        .addNewRule()
        .withHost(host)
        .withNewHttp()
        .addNewPath()
        .withPath(path)
        .withPathType(pathType)
        .withNewBackend()
        .withNewService()
        .withName(service)
        .withNewPort()
        .withName("http")
        .endPort()
        .endService()
        .endBackend()
        .endPath()
        .endHttp()
        .endRule()
        .endSpec()
        .build();
  }

  /** A selector-less Service with port "http" 80 (its EndpointSlices are written by the test). */
  public static Service service(String ns, String name) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .addNewPort()
        .withName("http")
        .withPort(80)
        .endPort()
        .endSpec()
        .build();
  }

  /** The IngressClass "aralez" of our controller. */
  public static io.fabric8.kubernetes.api.model.networking.v1.IngressClass ourClass() {
    return new io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder()
        .withNewMetadata()
        .withName("aralez")
        .endMetadata()
        .withNewSpec()
        .withController(io.aralez.controller.snapshot.BuilderSettings.CONTROLLER_NAME)
        .endSpec()
        .build();
  }

  /** A self-signed RSA certificate and key (PEM) made by the openssl command line. */
  public static void selfSigned(Path crt, Path key, String cn, String san) throws Exception {
    Process p =
        new ProcessBuilder(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=" + cn,
                "-addext",
                "subjectAltName=" + san,
                "-keyout",
                key.toString(),
                "-out",
                crt.toString())
            .redirectErrorStream(true)
            .start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor()).as("openssl req").isZero();
  }

  /** One ready endpoint on 127.0.0.1 for {@code service}'s port "http", as a pod would be. */
  public static io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice localSlice(
      String ns, String service, String name, int port) {
    return new io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(name)
        .withLabels(Map.of("kubernetes.io/service-name", service))
        .endMetadata()
        .withAddressType("IPv4")
        .addNewPort()
        .withName("http")
        .withPort(port)
        .endPort()
        .addNewEndpoint()
        .withAddresses("127.0.0.1")
        .withNewConditions()
        .withReady(true)
        .endConditions()
        .endEndpoint()
        .build();
  }
}
