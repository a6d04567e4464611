package io.aralez.controller.snapshot;

import io.aralez.api.v1.HeaderMatch;
import io.aralez.api.v1.PathMatch;
import io.aralez.api.v1.QueryParamMatch;
import io.aralez.api.v1.Route;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Processor: host claims. Objects are offered oldest first; the first to claim a host + match keeps
 * it and a later one gets a warning. The oldest default backend answers what no path of a matched
 * host takes.
 */
final class HostClaims {
  static final String DEFAULT_HOST = "DEFAULT";

  record Claimed(ObjectRef owner, Route route) {}

  // host → route key → route; insertion is oldest object first, so the first claim wins.
  private final Map<String, Map<String, Claimed>> hosts = new TreeMap<>();
  private Claimed defaultBackend;
  // ingress-nginx's regex mode: hosts where every path is a regex, and the paths as written.
  private final java.util.Set<String> regexHosts = new java.util.TreeSet<>();
  private final Map<String, String> writtenPaths = new java.util.HashMap<>();
  private final Map<String, io.aralez.api.v1.ClientCertificates> hostCerts = new TreeMap<>();

  private final List<Canaries.Intent> canaries = new ArrayList<>();

  /** A canary Ingress's route: merged into the main route of the same host and path. */
  void canary(
      ObjectReport report,
      String host,
      Route.Builder r,
      io.aralez.controller.snapshot.nginx.NginxResult.Canary spec) {
    canaries.add(new Canaries.Intent(report, host, routeKey(r), r.build(), spec));
  }

  /** Every path of {@code host} becomes a regex (ingress-nginx's host-wide regex mode). */
  void regexHost(String host) {
    regexHosts.add(host);
  }

  /** The path of route {@code id} as its Ingress wrote it, should its host turn to regex mode. */
  /**
   * auth-tls is server-level in ingress-nginx: the first (oldest) Ingress that sets it for a host
   * sets it for every path of the host, whichever Ingress the path comes from.
   *
   * @return false when an older Ingress already set it for {@code host}
   */
  boolean hostClientCertificates(String host, io.aralez.api.v1.ClientCertificates certs) {
    return hostCerts.putIfAbsent(host, certs) == null || hostCerts.get(host).equals(certs);
  }

  void writtenPath(String id, String path) {
    writtenPaths.put(id, path);
  }

  /** Makes a host known even when none of its rules routes anything (so it answers 404). */
  void host(String host) {
    hosts.computeIfAbsent(host, h -> new LinkedHashMap<>());
  }

  void claim(ObjectReport report, String host, Route.Builder r) {
    String key = routeKey(r);
    Map<String, Claimed> table = hosts.computeIfAbsent(host, h -> new LinkedHashMap<>());
    Claimed prior = table.get(key);
    if (prior == null) {
      table.put(key, new Claimed(report.ref, r.build()));
    } else if (!prior.owner().equals(report.ref)) {
      report.warnings.add(
          "host "
              + host
              + " path "
              + r.getPath().getValue()
              + " is already served by "
              + prior.owner()
              + " (older)");
    }
  }

  boolean hasDefault() {
    return defaultBackend != null;
  }

  void claimDefault(ObjectReport report, Route route) {
    if (defaultBackend == null) {
      defaultBackend = new Claimed(report.ref, route);
    } else {
      report.warnings.add(
          "defaultBackend ignored: " + defaultBackend.owner() + " is older and has one");
    }
  }

  /**
   * Per host (sorted), its routes sorted by match; the default backend added as "/" to every host
   * that has no root of its own, and as the DEFAULT host.
   */
  Map<String, List<Route>> resolve() {
    if (defaultBackend != null) {
      hosts.computeIfAbsent(DEFAULT_HOST, h -> new LinkedHashMap<>());
    }
    String rootKey = routeKey(Route.newBuilder().setPath(PathMatch.newBuilder().setValue("/")));
    Map<String, List<Route>> out = new TreeMap<>();
    for (Map.Entry<String, Map<String, Claimed>> h : hosts.entrySet()) {
      Map<String, Claimed> table = new TreeMap<>(h.getValue());
      if (defaultBackend != null && !table.containsKey(rootKey)) {
        table.put(rootKey, defaultBackend);
      }
      Canaries.apply(h.getKey(), table, canaries);
      if (!table.isEmpty()) {
        List<Route> routes = new ArrayList<>();
        var certs = hostCerts.get(h.getKey());
        table.values().forEach(c -> routes.add(certs == null ? c.route() : withCerts(c, certs)));
        out.put(h.getKey(), regexHosts.contains(h.getKey()) ? regexMode(routes) : routes);
      }
    }
    return out;
  }

  private static Route withCerts(Claimed c, io.aralez.api.v1.ClientCertificates certs) {
    Route r = c.route();
    if (r.getDirectStatus() != 0) {
      return r;
    }
    return r.toBuilder().setRules(r.getRules().toBuilder().setClientCertificates(certs)).build();
  }

  /**
   * The routes of a host in regex mode: every path a case-insensitive regex anchored at its start
   * only (an Exact path too), tried longest path string first and, on equal length, the lexically
   * greater first; the first that matches wins, as in ingress-nginx.
   */
  private List<Route> regexMode(List<Route> routes) {
    List<Route> out = new ArrayList<>();
    for (Route r : routes) {
      String path =
          r.getPath().getType() == PathMatch.Type.REGEX
              ? r.getPath().getValue()
              : writtenPaths.getOrDefault(r.getId(), r.getPath().getValue());
      if (io.aralez.common.values.PathRegexes.problem(path) != null) {
        // A written path that is not a valid regex ("/a{b"): matched as the literal it is.
        path = "/" + java.util.regex.Pattern.quote(path.substring(1));
      }
      out.add(
          r.toBuilder()
              .setPath(PathMatch.newBuilder().setType(PathMatch.Type.REGEX).setValue(path))
              .build());
    }
    out.sort(
        java.util.Comparator.comparingInt((Route r) -> -r.getPath().getValue().length())
            .thenComparing(r -> r.getPath().getValue(), java.util.Comparator.reverseOrder())
            // Regex routes are tried in order, so on one path the ones with conditions (a canary
            // header before a canary cookie) must come before the plain one.
            .thenComparingInt(
                (Route r) ->
                    -(r.getHeadersCount() * 100
                        + r.getCookiesCount() * 10
                        + r.getQueryParamsCount()))
            .thenComparing(HostClaims::routeKeyOf));
    return out;
  }

  private static String routeKeyOf(Route r) {
    return routeKey(r.toBuilder());
  }

  static String routeKey(Route.Builder r) {
    StringBuilder k = new StringBuilder();
    k.append(r.getPath().getType())
        .append(' ')
        .append(r.getPath().getValue())
        .append(' ')
        .append(r.getMethod());
    for (HeaderMatch h : r.getHeadersList()) {
      k.append(" h:").append(h.getName()).append('=').append(h.getValue());
    }
    for (QueryParamMatch q : r.getQueryParamsList()) {
      k.append(" q:").append(q.getName()).append('=').append(q.getValue());
    }
    for (HeaderMatch c : r.getCookiesList()) {
      k.append(" c:").append(c.getName()).append('=').append(c.getValue());
    }
    return k.toString();
  }
}
