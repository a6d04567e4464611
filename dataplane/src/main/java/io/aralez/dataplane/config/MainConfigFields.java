package io.aralez.dataplane.config;

import io.aralez.dataplane.config.MainConfig.AccessLog;
import io.aralez.dataplane.config.yaml.YamlMap;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The typed readers main.yaml's parser uses for its sections and values (the ACME section, listener
 * addresses, paths, durations, enums, the access log), each reporting through the map's problems
 * with the key's line.
 */
final class MainConfigFields {
  private MainConfigFields() {}

  /**
   * The ACME keys. Certificates go to the certificate folder, state to {@code
   * {proxy_configs}/autoconfigs} (next to upstreams.yaml without proxy_configs).
   */
  static MainConfig.Acme acme(
      YamlMap y, Path base, Path proxyConfigs, Path upstreams, Path certificates) {
    java.net.URI directory = io.aralez.acme.AcmeDirectory.LETS_ENCRYPT;
    Optional<String> dirText = y.string("acme_directory");
    if (dirText.isPresent()) {
      try {
        directory = io.aralez.acme.AcmeDirectory.parse(dirText.get());
      } catch (IllegalArgumentException e) {
        y.error("acme_directory", e.getMessage());
      }
    }
    String email = y.string("acme_email").map(String::trim).filter(t -> !t.isEmpty()).orElse(null);
    if (email != null && !email.matches("[^@\\s]+@[^@\\s]+")) {
      y.error("acme_email", "'" + email + "' is not an e-mail address");
    }
    Path caFile = path(y, "acme_ca_file", base);
    java.util.List<String> domains = new java.util.ArrayList<>();
    y.stringList("acme_domains")
        .ifPresent(
            list ->
                list.forEach(
                    d -> {
                      String n = io.aralez.common.values.HostNames.normalizeConfigured(d.value());
                      if (n == null || n.startsWith("*.")) {
                        y.error(
                            "acme_domains",
                            "'" + d.value() + "' is not a host name HTTP-01 can certify");
                      } else if (!domains.contains(n)) {
                        domains.add(n);
                      }
                    }));
    if (!domains.isEmpty() && certificates == null) {
      y.error(
          "acme_domains", "needs a certificate folder: set proxy_certificates or proxy_configs");
    }
    Duration renewBefore =
        y.duration("acme_renew_before", Duration.ofMinutes(1), Duration.ofDays(3650))
            .orElse(Duration.ofDays(30));
    Duration interval =
        y.duration("acme_check_interval", Duration.ofSeconds(1), Duration.ofDays(30))
            .orElse(Duration.ofHours(12));
    Path stateBase =
        proxyConfigs != null
            ? proxyConfigs
            : upstreams != null && upstreams.getParent() != null ? upstreams.getParent() : base;
    return new MainConfig.Acme(
        directory,
        email,
        caFile,
        java.util.List.copyOf(domains),
        renewBefore,
        interval,
        stateBase.resolve("autoconfigs"));
  }

  static void checkPort(YamlMap y, InetSocketAddress... addresses) {
    String[] names = {
      "proxy_address_http", "proxy_address_tls", "config_address", "file_server_address"
    };
    for (int i = 0; i < addresses.length; i++) {
      for (int j = i + 1; j < addresses.length; j++) {
        if (addresses[i] != null && addresses[i].equals(addresses[j])) {
          y.error(names[j], "uses the same address as " + names[i]);
        }
      }
    }
  }

  static String firstOf(YamlMap y, String preferred, String legacy) {
    Optional<String> v = y.string(preferred);
    return v.isPresent() ? v.get() : y.string(legacy).orElse(null);
  }

  /** Timeouts must be positive: a zero would mean "never" in some places and "now" in others. */
  static Duration dur(YamlMap y, String key, Duration dflt) {
    return y.duration(key, Duration.ofMillis(10), Duration.ofDays(1)).orElse(dflt);
  }

  static Path path(YamlMap y, String key, Path base) {
    return y.string(key)
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .map(s -> base.resolve(s).normalize())
        .orElse(null);
  }

  static InetSocketAddress bindAddress(YamlMap y, String key) {
    Optional<String> text = y.string(key);
    if (text.isEmpty()) {
      return null;
    }
    try {
      return HostPort.parse(text.get()).toBindAddress();
    } catch (IllegalArgumentException e) {
      y.error(key, e.getMessage());
    } catch (UnknownHostException e) {
      y.error(key, "cannot resolve host: " + e.getMessage());
    }
    return null;
  }

  static <E extends Enum<E>> Optional<E> enumValue(YamlMap y, String key, Class<E> type) {
    Optional<String> text = y.string(key);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Enum.valueOf(type, text.get().trim().toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      StringBuilder allowed = new StringBuilder();
      for (E c : type.getEnumConstants()) {
        allowed.append(allowed.length() == 0 ? "" : ", ").append(c.name().toLowerCase(Locale.ROOT));
      }
      y.error(key, "'" + text.get() + "' is not one of " + allowed);
      return Optional.empty();
    }
  }

  static AccessLog accessLog(YamlMap y) {
    Optional<String> text = y.string("access_log");
    if (text.isEmpty()) {
      return AccessLog.OFF;
    }
    return switch (text.get().trim().toLowerCase(Locale.ROOT)) {
      case "all", "access" -> AccessLog.ALL;
      case "error", "errors" -> AccessLog.ERROR;
      case "off", "none", "false" -> AccessLog.OFF;
      default -> {
        y.error("access_log", "'" + text.get() + "' is not one of all, error, off");
        yield AccessLog.OFF;
      }
    };
  }

  /**
   * The overload limits. The default connection cap leaves room in the file-descriptor limit for
   * one upstream connection per client connection plus listeners, logs and health probes, so the
   * process refuses connections before accept() starts failing with EMFILE.
   */
  static MainConfig.Overload overload(YamlMap y) {
    return new MainConfig.Overload(
        (int) y.integer("max_client_connections", 1, 10_000_000).orElse(defaultConnectionCap()),
        (int) y.integer("max_direct_memory_percent", 10, 100).orElse(90),
        (int) y.integer("upstream_max_connections", 0, 1_000_000).orElse(0),
        (int) y.integer("upstream_queue_size", 0, 1_000_000).orElse(100),
        y.duration("upstream_queue_timeout", Duration.ofMillis(1), Duration.ofHours(1))
            .orElse(Duration.ofSeconds(5)));
  }

  /** Half the descriptors this process may open, less a reserve; 10,000 where unknown. */
  static int defaultConnectionCap() {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      long fds = unix.getMaxFileDescriptorCount();
      return (int) Math.max(16, Math.min(1_000_000, (fds - 256) / 2));
    }
    return 10_000;
  }
}
