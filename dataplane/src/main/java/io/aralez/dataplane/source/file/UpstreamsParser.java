package io.aralez.dataplane.source.file;

import io.aralez.common.values.HeaderRules;
import io.aralez.common.values.HostNames;
import io.aralez.common.values.HttpUrls;
import io.aralez.dataplane.config.ConfigException;
import io.aralez.dataplane.config.HostPort;
import io.aralez.dataplane.config.ProxyConfig;
import io.aralez.dataplane.config.ProxyConfig.AuthPolicy;
import io.aralez.dataplane.config.ProxyConfig.Backend;
import io.aralez.dataplane.config.ProxyConfig.Header;
import io.aralez.dataplane.config.ProxyConfig.Route;
import io.aralez.dataplane.config.ProxyConfig.StickySessions;
import io.aralez.dataplane.config.ProxyConfig.VirtualHost;
import io.aralez.dataplane.config.UpstreamProtocol;
import io.aralez.dataplane.config.yaml.Problems;
import io.aralez.dataplane.config.yaml.YamlDocument;
import io.aralez.dataplane.config.yaml.YamlMap;
import io.aralez.dataplane.routing.Paths;
import io.aralez.dataplane.source.ProviderSettings;
import java.nio.file.Path;
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
          "protocol");

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
        sticky(y),
        y.bool("to_https").orElse(false),
        limit(y, "rate_limit"),
        limit(y, "x4xx_limit"),
        headers(y, "server_headers"),
        headers(y, "client_headers"),
        auth(y).orElse(AuthPolicy.NONE));
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
    Long rate = orElse(limit(h, "rate_limit"), g.rateLimit());
    Long x4xx = orElse(limit(h, "x4xx_limit"), g.x4xxLimit());
    List<Header> server = merge(g.serverHeaders(), headers(h, "server_headers"));
    List<Header> client = merge(g.clientHeaders(), headers(h, "client_headers"));
    AuthPolicy auth = auth(h).orElse(g.auth());

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
              redirect(p),
              orElse(limit(p, "rate_limit"), rate),
              orElse(limit(p, "x4xx_limit"), x4xx),
              merge(server, headers(p, "server_headers")),
              merge(client, headers(p, "client_headers")),
              auth(p).orElse(auth),
              protocol(p)));
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

  /** An absolute http(s) URL prefix without its trailing slash, or null when not set. */
  public static String redirect(YamlMap p) {
    Optional<String> text = p.string("redirect_to");
    if (text.isEmpty()) {
      return null;
    }
    String v = text.get().trim();
    if (HttpUrls.absolute(v)) {
      return HttpUrls.withoutTrailingSlash(v);
    }
    p.error("redirect_to", "'" + v + "' is not an absolute http:// or https:// URL");
    return null;
  }

  private static StickySessions sticky(YamlMap y) {
    Optional<YamlMap.Scalar> s = y.scalar("sticky_sessions");
    if (s.isEmpty()) {
      return StickySessions.OFF;
    }
    String v = s.get().value().trim().toLowerCase(Locale.ROOT);
    if (v.equals("false") || v.equals("no") || v.equals("off")) {
      return StickySessions.OFF;
    }
    if (v.equals("true") || v.equals("yes") || v.equals("on")) {
      return new StickySessions(true, null);
    }
    try {
      long seconds = Long.parseLong(v);
      if (seconds >= 1 && seconds <= 10L * 365 * 86400) {
        return new StickySessions(true, seconds);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    y.error(
        "sticky_sessions",
        "expected a cookie lifetime in seconds (1 or more), true or false; got '"
            + s.get().value()
            + "'");
    return StickySessions.OFF;
  }

  /** A per-second limit, or null when not set. */
  public static Long limit(YamlMap y, String key) {
    var v = y.integer(key, 1, 1_000_000_000L);
    return v.isPresent() ? v.getAsLong() : null;
  }

  private static <T> T orElse(T value, T fallback) {
    return value != null ? value : fallback;
  }

  /** A list of "Name:Value" headers, each checked by the rule every config meets. */
  public static List<Header> headers(YamlMap y, String key) {
    List<Header> out = new ArrayList<>();
    for (YamlMap.Scalar s : y.stringList(key).orElse(List.of())) {
      String text = s.value();
      int colon = text.indexOf(':');
      String where = y.qualify(key) + ": '" + text + "'";
      if (colon <= 0) {
        y.problems().error(y.file(), s.line(), where + " is not Name:Value");
        continue;
      }
      String name = text.substring(0, colon).trim();
      String value = text.substring(colon + 1).trim();
      String problem = HeaderRules.problem(name, value, true);
      if (problem != null) {
        y.problems().error(y.file(), s.line(), where + ": " + problem);
      } else {
        out.add(new Header(name, value));
      }
    }
    return out;
  }

  /** Inherited headers, with any header named again at the more specific level replaced. */
  public static List<Header> merge(List<Header> inherited, List<Header> own) {
    if (own.isEmpty()) {
      return inherited;
    }
    List<Header> out = new ArrayList<>();
    for (Header h : inherited) {
      if (own.stream().noneMatch(o -> o.name().equalsIgnoreCase(h.name()))) {
        out.add(h);
      }
    }
    out.addAll(own);
    return out;
  }

  private static Optional<AuthPolicy> auth(YamlMap y) {
    Optional<YamlMap> a = y.map("authorization");
    if (a.isEmpty()) {
      return Optional.empty();
    }
    YamlMap m = a.get();
    m.warnUnknown(Set.of("type", "data"));
    String typeText = m.string("type").orElse("").trim().toLowerCase(Locale.ROOT);
    AuthPolicy.Type type;
    switch (typeText) {
      case "none" -> type = AuthPolicy.Type.NONE;
      case "basic" -> type = AuthPolicy.Type.BASIC;
      case "apikey" -> type = AuthPolicy.Type.APIKEY;
      case "jwt" -> type = AuthPolicy.Type.JWT;
      case "forward" -> type = AuthPolicy.Type.FORWARD;
      default -> {
        m.error("type", "'" + typeText + "' is not one of basic, apikey, jwt, forward, none");
        return Optional.empty();
      }
    }
    List<String> data = new ArrayList<>();
    m.stringList("data").ifPresent(list -> list.forEach(s -> data.add(s.value())));
    switch (type) {
      case BASIC -> {
        if (data.isEmpty() || data.stream().anyMatch(d -> d.indexOf(':') <= 0)) {
          m.error("data", "basic authorization needs user:password entries");
        }
      }
      case APIKEY -> {
        if (data.size() != 1 || data.get(0).isEmpty()) {
          m.error("data", "apikey authorization needs the key");
        }
      }
      case FORWARD -> {
        if (data.size() != 1 || !data.get(0).matches("(?i)https?://[^/\\s]+(/\\S*)?")) {
          m.error("data", "forward authorization needs the auth URL (http:// or https://)");
        }
      }
      default -> {}
    }
    return Optional.of(new AuthPolicy(type, data));
  }
}
