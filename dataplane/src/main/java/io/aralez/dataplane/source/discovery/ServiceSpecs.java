package io.aralez.dataplane.source.discovery;

import io.aralez.common.values.HostNames;
import io.aralez.dataplane.config.ProxyConfig;
import io.aralez.dataplane.config.yaml.YamlMap;
import io.aralez.dataplane.request.Paths;
import io.aralez.dataplane.source.file.PolicyFields;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reads the {@code services:} list of a {@code consul:} or {@code kubernetes:} block. */
public final class ServiceSpecs {
  private static final Set<String> KEYS =
      Set.of(
          "hostname",
          "upstream",
          "path",
          "client_headers",
          "server_headers",
          "rate_limit",
          "x4xx_limit",
          "to_https",
          "redirect_to");

  /** Service names as Consul and Kubernetes allow them; they go into request paths. */
  private static final java.util.regex.Pattern NAME =
      java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,252}");

  private ServiceSpecs() {}

  public static List<ServiceSpec> read(YamlMap block) {
    List<ServiceSpec> out = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    for (YamlMap m : block.mapList("services").orElse(List.of())) {
      m.warnUnknown(KEYS);
      String rawHost = m.string("hostname").orElse(null);
      String host = rawHost == null ? null : host(rawHost);
      if (host == null) {
        m.error(
            "hostname",
            rawHost == null
                ? "is required: a host name, *.suffix or DEFAULT"
                : "'" + rawHost + "' is not a host name, *.suffix or DEFAULT");
      }
      String service = m.string("upstream").map(String::trim).orElse(null);
      if (service == null || !validName(service)) {
        m.error(
            "upstream",
            service == null
                ? "is required: the name of the service whose instances serve this host"
                : "'" + service + "' is not a service name");
      }
      String rawPath = m.string("path").orElse("/");
      String path = Paths.normalizePrefix(rawPath);
      if (path == null) {
        m.error("path", "'" + rawPath + "' is not a valid path prefix (it must start with '/')");
      }
      ServiceSpec spec =
          new ServiceSpec(
              host,
              path,
              service,
              PolicyFields.headers(m, "server_headers"),
              PolicyFields.headers(m, "client_headers"),
              PolicyFields.limit(m, "rate_limit"),
              PolicyFields.limit(m, "x4xx_limit"),
              m.bool("to_https").orElse(null),
              PolicyFields.redirect(m),
              m.file() + ":" + m.line() + " " + m.path());
      if (host != null && path != null && service != null && !keys.add(spec.key())) {
        m.error("path", "another service already routes " + host + path);
      }
      out.add(spec);
    }
    return out;
  }

  /** A host as routing keys it, or null when it is none. */
  public static String host(String raw) {
    String t = raw.trim();
    return t.equals(ProxyConfig.DEFAULT_HOST) ? t : HostNames.normalizeConfigured(t);
  }

  public static boolean validName(String name) {
    return NAME.matcher(name).matches();
  }
}
