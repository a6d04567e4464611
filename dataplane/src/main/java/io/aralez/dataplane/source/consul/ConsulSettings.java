package io.aralez.dataplane.source.consul;

import io.aralez.dataplane.config.yaml.YamlMap;
import io.aralez.dataplane.runtime.Candidate;
import io.aralez.dataplane.source.discovery.DiscoverySettings;
import io.aralez.dataplane.source.discovery.ServiceSpec;
import io.aralez.dataplane.source.discovery.ServiceSpecs;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code provider: consul}: the {@code consul:} block of upstreams.yaml.
 *
 * @param servers base URLs tried in order (the next one on a connect error, timeout or 5xx)
 * @param token ACL token sent as {@code X-Consul-Token}, or null; never logged
 * @param datacenter {@code dc}, or null for the agent's own
 * @param namespace {@code ns} (Consul Enterprise), or null
 * @param partition {@code partition} (Consul Enterprise), or null
 * @param blockingWait how long one blocking query may be held by the server
 * @param onlyPassing only instances whose checks all pass (Consul's {@code ?passing})
 * @param services the services written out in the file; tagged services are found on their own
 */
public record ConsulSettings(
    List<URI> servers,
    String token,
    String datacenter,
    String namespace,
    String partition,
    Tls tls,
    Duration blockingWait,
    boolean onlyPassing,
    List<ServiceSpec> services)
    implements DiscoverySettings {

  /**
   * TLS towards the Consul servers.
   *
   * @param caFile CAs to trust instead of the system's, or null
   * @param certFile client certificate for mutual TLS, or null
   * @param keyFile its key, or null
   * @param verify verify the server's certificate and name (false only for testing)
   */
  public record Tls(Path caFile, Path certFile, Path keyFile, boolean verify) {
    static final Tls DEFAULT = new Tls(null, null, null, true);
  }

  static final Duration DEFAULT_WAIT = Duration.ofMinutes(5);
  private static final Set<String> KEYS =
      Set.of(
          "servers",
          "token",
          "datacenter",
          "namespace",
          "partition",
          "tls",
          "wait",
          "only_passing",
          "services");

  public ConsulSettings {
    servers = List.copyOf(servers);
    services = List.copyOf(services);
  }

  @Override
  public Candidate.Kind kind() {
    return Candidate.Kind.CONSUL;
  }

  @Override
  public String toString() {
    // Never the token.
    return "consul " + servers + (token != null ? " (with token)" : "");
  }

  /** Reads the block; problems go to the block's file and line. */
  public static ConsulSettings read(YamlMap m, Path baseDir, Map<String, String> env) {
    m.warnUnknown(KEYS);
    List<URI> servers = new ArrayList<>();
    var listed = m.stringList("servers");
    if (listed.isPresent()) {
      for (YamlMap.Scalar s : listed.get()) {
        URI uri = baseUrl(s.value());
        if (uri == null) {
          m.problems()
              .error(
                  m.file(),
                  s.line(),
                  m.qualify("servers")
                      + ": '"
                      + s.value()
                      + "' is not a base URL with scheme, such as http://consul:8500");
        } else {
          servers.add(uri);
        }
      }
      if (listed.get().isEmpty()) {
        m.error("servers", "is empty");
      }
    } else {
      String host = env.get("CONSUL_SERVICE_HOST");
      String port = env.get("CONSUL_SERVICE_PORT");
      URI uri = host == null || port == null ? null : baseUrl("http://" + host + ":" + port);
      if (uri == null) {
        m.error(
            "servers",
            "is required (or CONSUL_SERVICE_HOST and CONSUL_SERVICE_PORT in the environment)");
      } else {
        servers.add(uri);
      }
    }
    String token = m.string("token").map(String::trim).filter(t -> !t.isEmpty()).orElse(null);
    if (token != null && token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
      m.error("token", "holds characters a header cannot carry");
      token = null;
    }
    Tls tls = m.map("tls").map(t -> tls(t, baseDir)).orElse(Tls.DEFAULT);
    Duration wait =
        m.duration("wait", Duration.ofSeconds(1), Duration.ofMinutes(10)).orElse(DEFAULT_WAIT);
    return new ConsulSettings(
        servers,
        token,
        name(m, "datacenter"),
        name(m, "namespace"),
        name(m, "partition"),
        tls,
        wait,
        m.bool("only_passing").orElse(true),
        ServiceSpecs.read(m));
  }

  private static String name(YamlMap m, String key) {
    String v = m.string(key).map(String::trim).orElse(null);
    if (v != null && !ServiceSpecs.validName(v)) {
      m.error(key, "'" + v + "' is not a valid name");
      return null;
    }
    return v;
  }

  private static Tls tls(YamlMap t, Path baseDir) {
    t.warnUnknown(Set.of("ca_file", "cert_file", "key_file", "verify"));
    Path ca = t.readableFile("ca_file", baseDir).orElse(null);
    Path cert = t.readableFile("cert_file", baseDir).orElse(null);
    Path key = t.readableFile("key_file", baseDir).orElse(null);
    if (t.has("cert_file") != t.has("key_file")) {
      t.error(t.has("cert_file") ? "key_file" : "cert_file", "cert_file and key_file go together");
    }
    boolean verify = t.bool("verify").orElse(true);
    if (!verify) {
      t.warn("verify", "is false: the Consul servers' certificates are not checked");
    }
    return new Tls(ca, cert, key, verify);
  }

  /** An http(s) URL with a host and nothing after the port but an optional '/', or null. */
  static URI baseUrl(String text) {
    try {
      URI u = new URI(text.trim());
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      boolean bare =
          u.getRawPath() == null || u.getRawPath().isEmpty() || u.getRawPath().equals("/");
      if ((scheme.equals("http") || scheme.equals("https"))
          && u.getHost() != null
          && bare
          && u.getRawQuery() == null
          && u.getRawUserInfo() == null) {
        return new URI(scheme, null, u.getHost(), u.getPort(), null, null, null);
      }
    } catch (URISyntaxException e) {
      // not a URL
    }
    return null;
  }
}
