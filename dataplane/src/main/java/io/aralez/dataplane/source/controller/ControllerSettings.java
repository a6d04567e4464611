package io.aralez.dataplane.source.controller;

import io.aralez.dataplane.config.HostPort;
import io.aralez.dataplane.config.yaml.YamlMap;
import io.aralez.dataplane.runtime.Candidate;
import io.aralez.dataplane.source.ProviderSettings;
import java.io.IOException;
import java.nio.file.Path;
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
public record ControllerSettings(HostPort controller, Path tokenFile, Path caFile, String nodeId)
    implements ProviderSettings {
  private static final Set<String> KEYS =
      Set.of("controller", "tokenpath", "ca_file", "node_id", "servers");

  /** Reads the {@code kubernetes:} block when it names a controller. */
  public static ControllerSettings read(YamlMap m, Path base) {
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
    // Re-read at every connect (rotation), but it has to be there to begin with.
    Path token = m.readableFile("tokenpath", base).orElse(null);
    Path ca = m.readableFile("ca_file", base).orElse(null);
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
    return new ControllerSettings(controller, token, ca, node);
  }

  @Override
  public Candidate.Kind kind() {
    return Candidate.Kind.CONTROLLER;
  }
}
