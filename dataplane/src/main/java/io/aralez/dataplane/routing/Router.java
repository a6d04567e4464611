package io.aralez.dataplane.routing;

import io.aralez.dataplane.config.HostPort;
import io.aralez.dataplane.config.ProxyConfig;
import io.aralez.dataplane.config.ProxyConfig.Route;
import io.aralez.dataplane.config.ProxyConfig.VirtualHost;
import io.aralez.dataplane.request.RequestHead;
import io.aralez.dataplane.upstream.BackendState;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Pure route lookup compiled from a {@link ProxyConfig}. Host: exact, then a one-label {@code
 * *.suffix} wildcard, then DEFAULT (a matched host never falls back to a less specific one). Path:
 * an exact route equal to the path, else the longest configured prefix on segment boundaries.
 * Routes of one path with conditions (method, headers, query) are tried most specific first; when
 * none of them matches, shorter prefixes are tried. Cost is a few hash lookups per request,
 * whatever the number of routes; a host with regex routes (ingress-nginx's regex mode) tries them
 * first, in the order given, which costs one match per regex route of that host only.
 */
public final class Router {
  private static final RouteEntry[] NONE = new RouteEntry[0];
  private static final Comparator<RouteEntry> MOST_SPECIFIC_FIRST =
      Comparator.comparingInt((RouteEntry e) -> -e.route().match().specificity());

  /**
   * The routes of one host: regex routes in the order given (tried first, first match wins), then
   * exact paths and prefixes, each with its candidates.
   */
  private static final class Table {
    RouteEntry[] regex = NONE;
    final Map<String, RouteEntry[]> exact = new HashMap<>();
    final Map<String, RouteEntry[]> prefix = new HashMap<>();
    // The "/" prefix's routes, and bit min(length, 63) of every prefix's length: a request path
    // is cut back one segment at a time, and only lengths some prefix has are looked up.
    RouteEntry[] root;
    long prefixLengths;

    void addPrefix(String path, RouteEntry[] entries) {
      prefix.put(path, entries);
      prefixLengths |= 1L << Math.min(path.length(), 63);
      if (path.equals("/")) {
        root = entries;
      }
    }

    RouteEntry[] prefixed(String path) {
      return (prefixLengths & (1L << Math.min(path.length(), 63))) == 0 ? null : prefix.get(path);
    }
  }

  private final Map<String, Table> exact = new HashMap<>();
  private final Map<String, Table> wildcard = new HashMap<>();
  private Table fallback;
  private final Map<String, RouteEntry> byId = new HashMap<>();

  private Router() {}

  /**
   * Compiles {@code config}.
   *
   * @param states the live state of each backend address (shared across configs)
   * @param stickyKey the key sticky-session ids are derived with
   */
  public static Router compile(
      ProxyConfig config, Function<HostPort, BackendState> states, byte[] stickyKey) {
    Router r = new Router();
    for (VirtualHost vh : config.hosts()) {
      Map<String, List<RouteEntry>> exactPaths = new HashMap<>();
      Map<String, List<RouteEntry>> prefixPaths = new HashMap<>();
      List<RouteEntry> regexes = new ArrayList<>();
      for (Route route : vh.routes()) {
        int n = route.backends().size();
        boolean sticky = config.stickyFor(route).enabled();
        BackendState[] s = new BackendState[n];
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
          var backend = route.backends().get(i);
          HostPort address = backend.address();
          s[i] = states.apply(address);
          // An HMAC per backend is only worth it where the cookie is used.
          ids[i] = sticky && !backend.noAffinity() ? StickyIds.of(stickyKey, route, address) : null;
        }
        RouteEntry entry = new RouteEntry(route, s, ids);
        r.byId.put(route.id(), entry);
        if (route.match().regex() != null) {
          regexes.add(entry);
          continue;
        }
        (route.match().exact() ? exactPaths : prefixPaths)
            .computeIfAbsent(route.path(), k -> new ArrayList<>())
            .add(entry);
      }
      Table table = new Table();
      table.regex = regexes.toArray(NONE);
      exactPaths.forEach((path, list) -> table.exact.put(path, sorted(list)));
      prefixPaths.forEach((path, list) -> table.addPrefix(path, sorted(list)));
      String name = vh.name();
      if (name.equals(ProxyConfig.DEFAULT_HOST)) {
        r.fallback = table;
      } else if (name.startsWith("*.")) {
        r.wildcard.put(name.substring(2), table);
      } else {
        r.exact.put(name, table);
      }
    }
    return r;
  }

  private static RouteEntry[] sorted(List<RouteEntry> list) {
    list.sort(MOST_SPECIFIC_FIRST);
    return list.toArray(NONE);
  }

  /** {@link #route(String, String, RequestHead)} for a request that meets no extra condition. */
  public RouteEntry route(String host, String path) {
    return route(host, path, null);
  }

  /**
   * Finds the route for a normalised host and a canonical path.
   *
   * @param request the request, for routes with method, header or query conditions (null: only
   *     routes without conditions match)
   * @return the route, or null when nothing matches (answer 404)
   */
  public RouteEntry route(String host, String path, RequestHead request) {
    // Empty maps are skipped: a look-up hashes a String made for this request first.
    Table table = host == null || exact.isEmpty() ? null : exact.get(host);
    if (table == null && host != null && !wildcard.isEmpty()) {
      int dot = host.indexOf('.');
      if (dot > 0) {
        table = wildcard.get(host.substring(dot + 1));
      }
    }
    if (table == null) {
      table = fallback;
    }
    if (table == null) {
      return null;
    }
    Conditions conditions = new Conditions(request);
    for (RouteEntry r : table.regex) {
      if (r.regex().matcher(path).lookingAt() && conditions.met(r.route().match())) {
        return r;
      }
    }
    RouteEntry e = table.exact.isEmpty() ? null : first(table.exact.get(path), conditions);
    return e != null ? e : longestPrefix(table, path, conditions);
  }

  /** The compiled entry of a route of this config (admin views, metrics), or null. */
  public RouteEntry entry(Route route) {
    return byId.get(route.id());
  }

  private static RouteEntry longestPrefix(Table table, String path, Conditions conditions) {
    String candidate =
        path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    while (true) {
      if (candidate.equals("/")) {
        return first(table.root, conditions);
      }
      RouteEntry e = first(table.prefixed(candidate), conditions);
      if (e != null) {
        return e;
      }
      int slash = candidate.lastIndexOf('/');
      if (slash <= 0) {
        return first(table.root, conditions);
      }
      candidate = candidate.substring(0, slash);
    }
  }

  private static RouteEntry first(RouteEntry[] candidates, Conditions conditions) {
    if (candidates == null) {
      return null;
    }
    for (RouteEntry e : candidates) {
      if (conditions.met(e.route().match())) {
        return e;
      }
    }
    return null;
  }

  /** The request's side of route conditions; the query is decoded only if some route asks. */
  private static final class Conditions {
    private final RequestHead request;
    private Map<String, List<String>> query;
    private Map<String, String> cookies;

    Conditions(RequestHead request) {
      this.request = request;
    }

    boolean met(io.aralez.dataplane.config.Match m) {
      if (!m.hasConditions()) {
        return true;
      }
      if (request == null) {
        return false;
      }
      if (m.method() != null && !m.method().equals(request.method())) {
        return false;
      }
      for (ProxyConfig.Header h : m.headers()) {
        if (!request.headers(h.name()).contains(h.value())) {
          return false;
        }
      }
      for (io.aralez.dataplane.config.HeaderPattern h : m.headerPatterns()) {
        if (request.headers(h.name()).stream().noneMatch(h::matches)) {
          return false;
        }
      }
      if (!m.cookies().isEmpty()) {
        if (cookies == null) {
          cookies = Cookies.of(request.headers("cookie"));
        }
        for (ProxyConfig.Header c : m.cookies()) {
          if (!c.value().equals(cookies.get(c.name()))) {
            return false;
          }
        }
      }
      if (!m.query().isEmpty()) {
        if (query == null) {
          query = new QueryStringDecoder(request.uri()).parameters();
        }
        for (ProxyConfig.Header q : m.query()) {
          List<String> values = query.get(q.name());
          if (values == null || !values.contains(q.value())) {
            return false;
          }
        }
      }
      return true;
    }
  }
}
