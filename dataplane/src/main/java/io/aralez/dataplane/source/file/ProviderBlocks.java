package io.aralez.dataplane.source.file;

import io.aralez.dataplane.config.yaml.YamlMap;
import io.aralez.dataplane.source.ProviderSettings;
import io.aralez.dataplane.source.consul.ConsulSettings;
import io.aralez.dataplane.source.controller.ControllerSettings;
import io.aralez.dataplane.source.kubernetes.KubernetesDiscoverySettings;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code provider:} and its block. {@code kubernetes:} has two shapes: with {@code
 * controller} the data plane takes whole snapshots from aralez-controller; with {@code services} it
 * reads the listed Services' endpoints from the API server itself, as the original did.
 */
final class ProviderBlocks {
  private ProviderBlocks() {}

  static ProviderSettings read(YamlMap root, Path baseDir) {
    return read(
        root, baseDir, System.getenv(), Path.of("/var/run/secrets/kubernetes.io/serviceaccount"));
  }

  static ProviderSettings read(
      YamlMap root, Path baseDir, Map<String, String> env, Path serviceAccount) {
    String provider = root.string("provider").orElse("file").trim().toLowerCase(Locale.ROOT);
    if (baseDir == null && !provider.equals("file")) {
      root.error("provider", "a config push can only use provider: file");
      return ProviderSettings.FILE;
    }
    switch (provider) {
      case "file" -> {
        for (String block : new String[] {"consul", "kubernetes"}) {
          if (root.has(block)) {
            root.warn(block, "ignored with provider: file");
          }
        }
        return ProviderSettings.FILE;
      }
      case "consul" -> {
        Optional<YamlMap> m = root.map("consul");
        if (m.isEmpty()) {
          root.error("provider", "provider consul needs a 'consul:' map");
          return ProviderSettings.FILE;
        }
        return ConsulSettings.read(m.get(), baseDir, env);
      }
      case "kubernetes" -> {
        Optional<YamlMap> m = root.map("kubernetes");
        if (m.isEmpty()) {
          root.error(
              "provider",
              "provider kubernetes needs a 'kubernetes:' map with 'controller' (snapshots from"
                  + " aralez-controller) or 'services' (endpoints from the API server)");
          return ProviderSettings.FILE;
        }
        YamlMap k = m.get();
        if (k.has("controller") && k.has("services")) {
          k.error("services", "'controller' and 'services' exclude each other: choose one mode");
          return ProviderSettings.FILE;
        }
        if (k.has("services")) {
          return KubernetesDiscoverySettings.read(k, baseDir, env, serviceAccount);
        }
        return ControllerSettings.read(k, baseDir);
      }
      default -> {
        root.error("provider", "'" + provider + "' is not one of file, consul, kubernetes");
        return ProviderSettings.FILE;
      }
    }
  }
}
