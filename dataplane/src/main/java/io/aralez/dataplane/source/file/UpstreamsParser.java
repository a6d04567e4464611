package io.aralez.dataplane.source.file;

import io.aralez.common.values.HostNames;
import io.aralez.dataplane.config.ConfigException;
import io.aralez.dataplane.config.HostPort;
import io.aralez.dataplane.config.ProxyConfig;
import io.aralez.dataplane.config.ProxyConfig.AuthPolicy;
import io.aralez.dataplane.config.ProxyConfig.Backend;
import io.aralez.dataplane.config.ProxyConfig.Header;
import io.aralez.dataplane.config.ProxyConfig.Route;
import io.aralez.dataplane.config.ProxyConfig.VirtualHost;
import io.aralez.dataplane.config.UpstreamOptions;
import io.aralez.dataplane.config.UpstreamProtocol;
import io.aralez.dataplane.config.yaml.Problems;
import io.aralez.dataplane.config.yaml.YamlDocument;
import io.aralez.dataplane.config.yaml.YamlMap;
import io.aralez.dataplane.request.Paths;
import io.aralez.dataplane.source.ProviderSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Translates upstreams.yaml (plus its conf.d split files) into a {@link ProxyConfig}. Pure: text
 * in, model out. Policies are resolved here once, by one rule: the most specific level that sets a
 * value wins (path over host over global); header lists merge from global to host to path, and a
 * more specific header replaces an inherited one of the same name.
 */
public final class UpstreamsParser {
  /** One file's name and content. */
  public record Source(String name, String text) {}

  private static final Set<String> GLOBAL_KEYS =
      Set.of(
          "provider",
          "sticky_sessions",
          "to_https",
          "rate_limit",
          "x4xx_limit",
          "server_headers",
          "client_headers",
          "authorization",
          "consul",
          "kubernetes",
          "upstreams",
          "globals");
  private static final Set<String> HOST_KEYS =
      Set.of(
          "paths",
          "server_headers",
          "client_headers",
          "rate_limit",
          "x4xx_limit",
          "to_https",
          "authorization");
  private static final Set<String> PATH_KEYS =
      Set.of(
          "servers",
          "healthcheck",
          "to_https",
          "redirect_to",
          "rate_limit",
          "x4xx_limit",
          "server_headers",
          "client_headers",
          "authorization",
          "protocol",
          "max_connections",
          "queue_size",
          "queue_timeout");

  private UpstreamsParser() {}

  /**
   * Parses the main upstreams file and the split files that follow it (in the given order); the
   * hosts it writes out, for callers that need no provider (tests, benchmarks).
   *
   * @throws ConfigException listing every error; warnings go to {@code problems}
   */
  public static ProxyConfig parse(
      Source main, List<Source> splitFiles, String version, Problems problems)
      throws ConfigException {
    return parseDocument(main, splitFiles, version, Path.of("."), problems).hosts();
  }

  /**
   * The whole document: hosts, global policies and the provider block.
   *
   * @param baseDir the folder relative paths of the provider block resolve against; null for a
   *     document that did not come from a file (a config push), which may only use provider: file
   * @throws ConfigException listing every error; warnings go to {@code problems}
   */
  public static UpstreamsDocument parseDocument(
      Source main, List<Source> splitFiles, String version, Path baseDir, Problems problems)
      throws ConfigException {
    YamlMap root = YamlDocument.parse(main.name(), main.text(), problems);
    ProviderSettings provider = ProviderBlocks.read(root, baseDir);
    UpstreamsDocument.Globals g = globals(root);

    Map<String, YamlMap> hostMaps = new LinkedHashMap<>();
    root.map("upstreams").ifPresent(u -> collectHosts(u, hostMaps, problems, false));
    for (String key : root.keys()) {
      if (GLOBAL_KEYS.contains(key)) {
        continue;
      }
      // The seed README puts hosts at the top level; the original's code expects them under
      // "upstreams:". Both are accepted.
      Optional<YamlMap> host = root.map(key);
      if (host.isPresent()) {
        if (hostMaps.containsKey(key)) {
          root.error(key, "host is defined both here and under 'upstreams'");
        } else {
          hostMaps.put(key, host.get());
        }
      }
    }
    for (Source split : splitFiles) {
      YamlMap file = YamlDocument.parse(split.name(), split.text(), problems);
      collectHosts(file, hostMaps, problems, true);
    }

    List<VirtualHost> hosts = new ArrayList<>();
    Map<String, String> seen = new LinkedHashMap<>();
    for (Map.Entry<String, YamlMap> e : hostMaps.entrySet()) {
      YamlMap hostMap = e.getValue();
      String name = hostName(e.getKey(), hostMap);
      if (name == null) {
        continue;
      }
      String previous = seen.putIfAbsent(name, e.getKey());
      if (previous != null) {
        problems.error(
            hostMap.file(),
            hostMap.line(),
            "host '" + e.getKey() + "' is the same host as '" + previous + "'");
        continue;
      }
      hosts.add(virtualHost(name, hostMap, g));
    }
    if (hosts.isEmpty() && provider == ProviderSettings.FILE && !problems.hasErrors()) {
      // An empty or truncated file (": > upstreams.yaml", an editor mid-save, a bad push) would
      // turn every host into 404: it is refused, and the running config stays.
      problems.error(
          main.name(),
          0,
          "no hosts are configured (an empty file is refused; the running config stays)");
    }
    problems.throwIfErrors();
    return new UpstreamsDocument(
        new ProxyConfig(main.name(), version, g.sticky(), hosts), g, provider);
  }

  private static UpstreamsDocument.Globals globals(YamlMap y) {
    if (y.has("globals")) {
      y.warn("globals", "has no effect, ignored");
    }
    return new UpstreamsDocument.Globals(
        PolicyFields.sticky(y),
        y.bool("to_https").orElse(false),
        PolicyFields.limit(y, "rate_limit"),
        PolicyFields.limit(y, "x4xx_limit"),
        PolicyFields.headers(y, "server_headers"),
        PolicyFields.headers(y, "client_headers"),
        PolicyFields.auth(y).orElse(AuthPolicy.NONE));
  }

  private static void collectHosts(
      YamlMap from, Map<String, YamlMap> into, Problems problems, boolean splitFile) {
    for (Map.Entry<String, YamlMap> e : from.mapEntries()) {
      YamlMap old = into.put(e.getKey(), e.getValue());
      if (old != null) {
        if (splitFile) {
          problems.warn(
              e.getValue().file(),
              e.getValue().line(),
              "host '" + e.getKey() + "' replaces its definition in " + old.file());
        } else {
          problems.error(
              e.getValue().file(),
              e.getValue().line(),
              "host '" + e.getKey() + "' is defined twice");
        }
      }
    }
  }

  private static String hostName(String key, YamlMap at) {
    if (key.equals(ProxyConfig.DEFAULT_HOST)) {
      return key;
    }
    String normal = HostNames.normalizeConfigured(key);
    if (normal == null) {
      at.problems()
          .error(
              at.file(),
              at.line(),
              at.path()
                  + ": '"
                  + key
                  + "' is not a valid host name (use a name, *.suffix, an IP, or DEFAULT)");
    }
    return normal;
  }

  private static VirtualHost virtualHost(String name, YamlMap h, UpstreamsDocument.Globals g) {
    h.warnUnknown(HOST_KEYS);
    boolean toHttps = h.bool("to_https").orElse(g.toHttps());
    Long rate = orElse(PolicyFields.limit(h, "rate_limit"), g.rateLimit());
    Long x4xx = orElse(PolicyFields.limit(h, "x4xx_limit"), g.x4xxLimit());
    List<Header> server =
        PolicyFields.merge(g.serverHeaders(), PolicyFields.headers(h, "server_headers"));
    List<Header> client =
        PolicyFields.merge(g.clientHeaders(), PolicyFields.headers(h, "client_headers"));
    AuthPolicy auth = PolicyFields.auth(h).orElse(g.auth());

    List<Route> routes = new ArrayList<>();
    Optional<YamlMap> paths = h.map("paths");
    if (paths.isEmpty()) {
      if (!h.has("paths")) {
        h.error("paths", "is required: a mapping of path prefixes to servers");
      }
      return new VirtualHost(name, routes);
    }
    Map<String, String> seen = new LinkedHashMap<>();
    for (Map.Entry<String, YamlMap> e : paths.get().mapEntries()) {
      YamlMap p = e.getValue();
      String path = Paths.normalizePrefix(e.getKey());
      if (path == null) {
        paths.get().error(e.getKey(), "is not a valid path prefix (it must start with '/')");
        continue;
      }
      String previous = seen.putIfAbsent(path, e.getKey());
      if (previous != null) {
        paths.get().error(e.getKey(), "is the same prefix as '" + previous + "'");
        continue;
      }
      p.warnUnknown(PATH_KEYS);
      routes.add(
          new Route(
                  name,
                  path,
                  servers(p),
                  p.bool("healthcheck").orElse(true),
                  p.bool("to_https").orElse(toHttps),
                  PolicyFields.redirect(p),
                  orElse(PolicyFields.limit(p, "rate_limit"), rate),
                  orElse(PolicyFields.limit(p, "x4xx_limit"), x4xx),
                  PolicyFields.merge(server, PolicyFields.headers(p, "server_headers")),
                  PolicyFields.merge(client, PolicyFields.headers(p, "client_headers")),
                  PolicyFields.auth(p).orElse(auth),
                  protocol(p))
              .withUpstream(backendCap(p)));
    }
    return new VirtualHost(name, routes);
  }

  private static List<Backend> servers(YamlMap p) {
    List<Backend> out = new ArrayList<>();
    Optional<List<YamlMap.Scalar>> list = p.stringList("servers");
    if (list.isEmpty()) {
      if (!p.has("redirect_to")) {
        p.warn("servers", "no servers: requests to this path will get 503");
      }
      return out;
    }
    for (YamlMap.Scalar s : list.get()) {
      try {
        out.add(new Backend(HostPort.parse(s.value())));
      } catch (IllegalArgumentException e) {
        p.problems().error(p.file(), s.line(), p.qualify("servers") + ": " + e.getMessage());
      }
    }
    return out;
  }

  /** The per-path cap on requests in flight per backend and its queue; absent keys: main.yaml's. */
  private static UpstreamOptions backendCap(YamlMap p) {
    return UpstreamOptions.DEFAULT.withBackendCap(
        (int) p.integer("max_connections", 1, 1_000_000).orElse(0),
        (int) p.integer("queue_size", 0, 1_000_000).orElse(-1),
        p.duration("queue_timeout", Duration.ofMillis(1), Duration.ofHours(1)).orElse(null));
  }

  /** The per-path protocol override; absent or "auto" means detect. */
  private static UpstreamProtocol protocol(YamlMap p) {
    Optional<String> text = p.string("protocol");
    if (text.isEmpty()) {
      return null;
    }
    return switch (text.get().trim().toLowerCase(Locale.ROOT)) {
      case "auto" -> null;
      case "http" -> UpstreamProtocol.HTTP;
      case "https" -> UpstreamProtocol.HTTPS;
      case "h2" -> UpstreamProtocol.H2;
      case "h2c" -> UpstreamProtocol.H2C;
      default -> {
        p.error("protocol", "'" + text.get() + "' is not one of auto, http, https, h2, h2c");
        yield null;
      }
    };
  }

  private static <T> T orElse(T value, T fallback) {
    return value != null ? value : fallback;
  }
}
