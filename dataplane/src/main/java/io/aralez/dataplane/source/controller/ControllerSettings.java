package io.aralez.dataplane.source.controller;

import io.aralez.dataplane.config.ConfigException;
import io.aralez.dataplane.config.HostPort;
import io.aralez.dataplane.config.yaml.Problems;
import io.aralez.dataplane.config.yaml.YamlDocument;
import io.aralez.dataplane.config.yaml.YamlMap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Where the data plane gets its config in a cluster: {@code provider: kubernetes} in upstreams.yaml
 * with a {@code kubernetes:} map naming the controller.
 *
 * @param controller the controller's gRPC address
 * @param tokenFile the bearer token (re-read at every connect, so a rotated Secret is picked up)
 * @param caFile CA bundle to verify the controller's TLS certificate; null for plaintext
 * @param nodeId the name this pod reports (default: env POD_NAME, else the host name)
 */
public record ControllerSettings(HostPort controller, Path tokenFile, Path caFile, String nodeId) {
  // "servers" is the original's key for the API server: accepted with a warning.
  private static final Set<String> KEYS =
      Set.of("controller", "tokenpath", "ca_file", "node_id", "servers");

  /**
   * The controller settings of an upstreams.yaml, or empty when its provider is not kubernetes.
   *
   * @throws ConfigException when the provider is kubernetes and the settings are wrong
   */
  public static Optional<ControllerSettings> read(Path upstreams) throws ConfigException {
    String text;
    try {
      text = Files.readString(upstreams, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(upstreams.toString(), "cannot read: " + e.getMessage());
    }
    Problems problems = new Problems();
    YamlMap root = YamlDocument.parse(upstreams.toString(), text, problems);
    String provider = root.string("provider").orElse("file").trim().toLowerCase(Locale.ROOT);
    if (!provider.equals("kubernetes")) {
      return Optional.empty();
    }
    Optional<YamlMap> k = root.map("kubernetes");
    if (k.isEmpty()) {
      root.error("provider", "provider kubernetes needs a 'kubernetes:' map with 'controller'");
      problems.throwIfErrors();
    }
    YamlMap m = k.get();
    if (m.has("servers")) {
      m.warn("servers", "ignored: the data plane talks to aralez-controller, not the API server");
    }
    m.warnUnknown(KEYS);
    HostPort controller = null;
    Optional<String> address = m.string("controller");
    if (address.isEmpty()) {
      m.error("controller", "is required: the controller's gRPC address, host:port");
    } else {
      try {
        controller = HostPort.parse(address.get());
      } catch (IllegalArgumentException e) {
        m.error("controller", e.getMessage());
      }
    }
    Path base = upstreams.toAbsolutePath().getParent();
    Path token = m.string("tokenpath").map(base::resolve).orElse(null);
    if (token != null && !Files.isReadable(token)) {
      // Re-read at every connect (rotation), but it has to be there to begin with.
      m.error("tokenpath", "cannot read " + token);
    }
    Path ca = m.string("ca_file").map(base::resolve).orElse(null);
    if (ca != null && !Files.isReadable(ca)) {
      m.error("ca_file", "cannot read " + ca);
    }
    String node =
        m.string("node_id")
            .orElseGet(
                () -> {
                  String pod = System.getenv("POD_NAME");
                  if (pod != null && !pod.isBlank()) {
                    return pod;
                  }
                  try {
                    return java.net.InetAddress.getLocalHost().getHostName();
                  } catch (IOException e) {
                    return "aralez-" + ProcessHandle.current().pid();
                  }
                });
    problems.throwIfErrors();
    return Optional.of(new ControllerSettings(controller, token, ca, node));
  }
}
