package io.aralez.dataplane.source.kubernetes;

import io.aralez.dataplane.config.yaml.YamlMap;
import io.aralez.dataplane.runtime.Candidate;
import io.aralez.dataplane.source.discovery.DiscoverySettings;
import io.aralez.dataplane.source.discovery.ServiceSpec;
import io.aralez.dataplane.source.discovery.ServiceSpecs;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code provider: kubernetes} with {@code kubernetes.services}: the original's provider, which
 * reads the listed Services' ready endpoints straight from the API server (no controller).
 *
 * @param server the API server's base URL
 * @param tokenFile the bearer token, re-read when the projected file changes; null sends none
 * @param caFile CAs that sign the API server's certificate, or null for the system's
 * @param namespace where the Services live
 */
public record KubernetesDiscoverySettings(
    URI server, Path tokenFile, Path caFile, String namespace, List<ServiceSpec> services)
    implements DiscoverySettings {

  static final Path SERVICE_ACCOUNT = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");
  private static final Set<String> KEYS =
      Set.of("servers", "tokenpath", "ca_file", "namespace", "services");

  public KubernetesDiscoverySettings {
    services = List.copyOf(services);
  }

  @Override
  public Candidate.Kind kind() {
    return Candidate.Kind.KUBERNETES;
  }

  /**
   * Reads the block.
   *
   * @param serviceAccount the folder of the pod's service account (token, ca.crt, namespace)
   */
  public static KubernetesDiscoverySettings read(
      YamlMap m, Path baseDir, Map<String, String> env, Path serviceAccount) {
    m.warnUnknown(KEYS);
    URI server = null;
    var servers = m.stringList("servers");
    if (servers.isPresent() && !servers.get().isEmpty()) {
      if (servers.get().size() > 1) {
        m.warn("servers", "only the first API server is used; put a load balancer in front");
      }
      server = url(servers.get().get(0).value());
      if (server == null) {
        m.error("servers", "'" + servers.get().get(0).value() + "' is not host:port or a URL");
      }
    } else {
      String host = env.get("KUBERNETES_SERVICE_HOST");
      String port =
          env.getOrDefault("KUBERNETES_SERVICE_PORT_HTTPS", env.get("KUBERNETES_SERVICE_PORT"));
      server = host == null || port == null ? null : url(bracket(host) + ":" + port);
      if (server == null) {
        m.error("servers", "is required outside a pod (KUBERNETES_SERVICE_HOST is not set)");
      }
    }
    Path token = m.readableFile("tokenpath", baseDir).orElse(null);
    if (token == null) {
      Path projected = serviceAccount.resolve("token");
      if (Files.isReadable(projected)) {
        token = projected;
      } else {
        m.warn("tokenpath", "no service-account token at " + projected + ": requests carry none");
      }
    }
    Path ca = m.readableFile("ca_file", baseDir).orElse(null);
    if (ca == null && Files.isReadable(serviceAccount.resolve("ca.crt"))) {
      ca = serviceAccount.resolve("ca.crt");
    }
    String namespace = m.string("namespace").map(String::trim).orElse(null);
    if (namespace == null) {
      namespace = namespaceOf(serviceAccount, env);
    }
    if (!namespace.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
      m.error("namespace", "'" + namespace + "' is not a namespace name");
    }
    List<ServiceSpec> services = ServiceSpecs.read(m);
    if (services.isEmpty()) {
      m.error("services", "lists no Service");
    }
    return new KubernetesDiscoverySettings(server, token, ca, namespace, services);
  }

  private static String namespaceOf(Path serviceAccount, Map<String, String> env) {
    try {
      String ns = Files.readString(serviceAccount.resolve("namespace"), StandardCharsets.UTF_8);
      if (!ns.isBlank()) {
        return ns.strip();
      }
    } catch (IOException e) {
      // not in a pod
    }
    String ns = env.get("POD_NAMESPACE");
    return ns != null && !ns.isBlank() ? ns.strip() : "default";
  }

  private static String bracket(String host) {
    return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  /** {@code host:port} (https, as the original) or a URL with http or https, or null. */
  static URI url(String text) {
    String t = text.trim();
    if (!t.contains("://")) {
      t = "https://" + t;
    }
    try {
      URI u = new URI(t);
      String scheme = u.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && u.getHost() != null) {
        return new URI(scheme, null, u.getHost(), u.getPort(), null, null, null);
      }
    } catch (URISyntaxException e) {
      // not a URL
    }
    return null;
  }
}
