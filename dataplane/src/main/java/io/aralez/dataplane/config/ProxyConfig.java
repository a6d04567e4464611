package io.aralez.dataplane.config;

import java.util.List;
import java.util.Objects;

/**
 * The one routing model every config source produces (upstreams.yaml, the config API, the
 * controller's snapshot). Immutable; policies are already resolved per route, so the request path
 * never walks an inheritance chain.
 *
 * @param source where this config came from, for logs and status
 * @param version an opaque version string (a content hash for files)
 * @param acmeChallenges HTTP-01 answers the source asks every proxy to serve (token → key
 *     authorization; the controller's orders)
 */
public record ProxyConfig(
    String source,
    String version,
    StickySessions sticky,
    List<VirtualHost> hosts,
    List<TlsCertificate> certificates,
    java.util.Map<String, String> acmeChallenges) {

  /** The host name that catches every request no other host matches. */
  public static final String DEFAULT_HOST = "DEFAULT";

  public ProxyConfig {
    Objects.requireNonNull(sticky);
    hosts = List.copyOf(hosts);
    certificates = List.copyOf(certificates);
    acmeChallenges = java.util.Map.copyOf(acmeChallenges);
  }

  public ProxyConfig(
      String source,
      String version,
      StickySessions sticky,
      List<VirtualHost> hosts,
      List<TlsCertificate> certificates) {
    this(source, version, sticky, hosts, certificates, java.util.Map.of());
  }

  /** The cookie affinity that applies to {@code route}: its own, else the config-wide one. */
  public StickySessions stickyFor(Route route) {
    return route.sticky() != null ? route.sticky() : sticky;
  }

  /** A config whose certificates come from the proxy_certificates folder, not from the source. */
  public ProxyConfig(
      String source, String version, StickySessions sticky, List<VirtualHost> hosts) {
    this(source, version, sticky, hosts, List.of());
  }

  /**
   * A server certificate the source delivers (the controller, from a TLS Secret), already
   * validated.
   *
   * @param serverNames the SNI names it is served for (exact or {@code *.suffix})
   */
  public record TlsCertificate(
      String name, List<String> serverNames, String chainPem, String keyPem) {
    public TlsCertificate {
      serverNames = List.copyOf(serverNames);
    }

    @Override
    public String toString() {
      // Never the key.
      return "TlsCertificate[" + name + " " + serverNames + "]";
    }
  }

  /**
   * One virtual host.
   *
   * @param name lower-case host name, {@code *.suffix} wildcard, or {@link #DEFAULT_HOST}
   */
  public record VirtualHost(String name, List<Route> routes) {
    public VirtualHost {
      routes = List.copyOf(routes);
    }
  }

  /**
   * One path prefix of a virtual host with its backends and resolved policies.
   *
   * @param path normalised prefix: starts with '/', no trailing '/' except for the root
   * @param redirectTo URL prefix for an unconditional 301, or null
   * @param rateLimit requests per second per client, or null for none
   * @param x4xxLimit 4xx responses per second per client before a cool-down, or null
   * @param protocol how to speak to the backends, or null to detect it
   * @param match how the path is compared and which other conditions the request must meet
   * @param directStatus a status every request gets without reaching a backend (500 or 503 for a
   *     route whose backends cannot be resolved), or null
   * @param redirectCode the status of {@code redirectTo} and {@code toHttps} redirects
   * @param sticky cookie affinity of this route, or null for the config-wide setting
   * @param upstream connect and read timeouts and connect attempts of this route
   * @param rules request rules beyond routing ({@link RouteRules#NONE} for none)
   */
  public record Route(
      String host,
      String path,
      List<Backend> backends,
      boolean healthcheck,
      boolean toHttps,
      String redirectTo,
      Long rateLimit,
      Long x4xxLimit,
      List<Header> serverHeaders,
      List<Header> clientHeaders,
      AuthPolicy auth,
      UpstreamProtocol protocol,
      Match match,
      Integer directStatus,
      int redirectCode,
      StickySessions sticky,
      UpstreamOptions upstream,
      RouteRules rules) {
    public Route {
      Objects.requireNonNull(upstream);
      Objects.requireNonNull(rules);
      backends = List.copyOf(backends);
      serverHeaders = List.copyOf(serverHeaders);
      clientHeaders = List.copyOf(clientHeaders);
      Objects.requireNonNull(auth);
      Objects.requireNonNull(match);
    }

    /** A route without request rules. */
    public Route(
        String host,
        String path,
        List<Backend> backends,
        boolean healthcheck,
        boolean toHttps,
        String redirectTo,
        Long rateLimit,
        Long x4xxLimit,
        List<Header> serverHeaders,
        List<Header> clientHeaders,
        AuthPolicy auth,
        UpstreamProtocol protocol,
        Match match,
        Integer directStatus,
        int redirectCode,
        StickySessions sticky,
        UpstreamOptions upstream) {
      this(
          host,
          path,
          backends,
          healthcheck,
          toHttps,
          redirectTo,
          rateLimit,
          x4xxLimit,
          serverHeaders,
          clientHeaders,
          auth,
          protocol,
          match,
          directStatus,
          redirectCode,
          sticky,
          upstream,
          RouteRules.NONE);
    }

    /** A prefix route with no other conditions, as upstreams.yaml writes them. */
    public Route(
        String host,
        String path,
        List<Backend> backends,
        boolean healthcheck,
        boolean toHttps,
        String redirectTo,
        Long rateLimit,
        Long x4xxLimit,
        List<Header> serverHeaders,
        List<Header> clientHeaders,
        AuthPolicy auth,
        UpstreamProtocol protocol) {
      this(
          host,
          path,
          backends,
          healthcheck,
          toHttps,
          redirectTo,
          rateLimit,
          x4xxLimit,
          serverHeaders,
          clientHeaders,
          auth,
          protocol,
          Match.PREFIX,
          null,
          301,
          null,
          UpstreamOptions.DEFAULT);
    }

    /** A prefix route with health checks and nothing else: backends only. */
    public static Route plain(String host, String path, List<Backend> backends) {
      return new Route(
          host,
          path,
          backends,
          true,
          false,
          null,
          null,
          null,
          List.of(),
          List.of(),
          AuthPolicy.NONE,
          null);
    }

    /** This route with other backends (the controller's endpoints bound to it). */
    public Route withBackends(List<Backend> backends) {
      return copy(backends, serverHeaders, rules);
    }

    /** This route with more headers set on the upstream request (a fallback's). */
    public Route withServerHeaders(List<Header> extra) {
      List<Header> all = new java.util.ArrayList<>(serverHeaders);
      all.addAll(extra);
      return copy(backends, all, rules);
    }

    /** This route with request rules. */
    public Route withRules(RouteRules rules) {
      return copy(backends, serverHeaders, rules);
    }

    /** This route with other upstream options (upstreams.yaml's backend cap). */
    public Route withUpstream(UpstreamOptions upstream) {
      return copy(backends, serverHeaders, rules, upstream);
    }

    private Route copy(List<Backend> backends, List<Header> serverHeaders, RouteRules rules) {
      return copy(backends, serverHeaders, rules, upstream);
    }

    private Route copy(
        List<Backend> backends,
        List<Header> serverHeaders,
        RouteRules rules,
        UpstreamOptions upstream) {
      return new Route(
          host,
          path,
          backends,
          healthcheck,
          toHttps,
          redirectTo,
          rateLimit,
          x4xxLimit,
          serverHeaders,
          clientHeaders,
          auth,
          protocol,
          match,
          directStatus,
          redirectCode,
          sticky,
          upstream,
          rules);
    }

    /** Stable identity for state that must survive a config swap (counters, health, buckets). */
    public String id() {
      return match.isPlainPrefix() ? host + path : host + match.describe(path);
    }
  }

  /**
   * How a route selects requests besides the host.
   *
   * @param exact the path must equal the route's path byte for byte (else: element-wise prefix)
   * @param method the request method, or null for any
   * @param headers headers (lower-case names) that must each be present with exactly this value
   * @param query query parameters that must each be present with exactly this value
   * @param regex a Java regex the path must match case-insensitively from its start (the route's
   *     path is then this regex), or null
   * @param cookies cookies that must each be present with exactly this value
   * @param headerPatterns headers (lower-case names) whose value must contain a match of an RE2
   *     regex (ingress-nginx's canary-by-header-pattern)
   */
  public record Match(
      boolean exact,
      String method,
      List<Header> headers,
      List<Header> query,
      String regex,
      List<Header> cookies,
      List<HeaderPattern> headerPatterns) {
    public static final Match PREFIX = new Match(false, null, List.of(), List.of());
    public static final Match EXACT = new Match(true, null, List.of(), List.of());

    public Match {
      headers = List.copyOf(headers);
      query = List.copyOf(query);
      cookies = List.copyOf(cookies);
      headerPatterns = List.copyOf(headerPatterns);
    }

    public Match(boolean exact, String method, List<Header> headers, List<Header> query) {
      this(exact, method, headers, query, null, List.of(), List.of());
    }

    public Match(
        boolean exact,
        String method,
        List<Header> headers,
        List<Header> query,
        String regex,
        List<Header> cookies) {
      this(exact, method, headers, query, regex, cookies, List.of());
    }

    public boolean isPlainPrefix() {
      return !exact && regex == null && !hasConditions();
    }

    public boolean hasConditions() {
      return method != null
          || !headers.isEmpty()
          || !query.isEmpty()
          || !cookies.isEmpty()
          || !headerPatterns.isEmpty();
    }

    /**
     * More conditions first: the order candidates of one path are tried in. Headers before cookies,
     * so a canary header decides before a canary cookie, as in ingress-nginx.
     */
    public int specificity() {
      return (method != null ? 1000 : 0)
          + (headers.size() + headerPatterns.size()) * 100
          + cookies.size() * 10
          + query.size();
    }

    String describe(String path) {
      StringBuilder s = new StringBuilder(exact ? "=" : regex != null ? "~" : "").append(path);
      if (method != null) {
        s.append(" ").append(method);
      }
      for (Header h : headers) {
        s.append(" ").append(h.name()).append(':').append(h.value());
      }
      for (HeaderPattern h : headerPatterns) {
        s.append(" ").append(h.name()).append("~").append(h.regex());
      }
      for (Header q : query) {
        s.append(" ?").append(q.name()).append('=').append(q.value());
      }
      for (Header c : cookies) {
        s.append(" cookie:").append(c.name()).append('=').append(c.value());
      }
      return s.toString();
    }
  }

  /**
   * One upstream server.
   *
   * @param weight its share of new requests relative to the route's other backends; 0 gets none
   */
  public record Backend(HostPort address, long weight) {
    public Backend(HostPort address) {
      this(address, 1);
    }
  }

  /**
   * A header whose value must contain a match of {@code regex} (RE2: linear time, whoever writes
   * it). Equal when name and regex are.
   */
  public record HeaderPattern(String name, String regex, com.google.re2j.Pattern compiled) {
    public HeaderPattern(String name, String regex) {
      this(name, regex, com.google.re2j.Pattern.compile(regex));
    }

    public boolean matches(String value) {
      return compiled.matcher(value).find();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof HeaderPattern p && p.name.equals(name) && p.regex.equals(regex);
    }

    @Override
    public int hashCode() {
      return name.hashCode() * 31 + regex.hashCode();
    }
  }

  /** A header to set (towards the upstream) or add (towards the client). */
  public record Header(String name, String value) {}

  /** Who may use a route. */
  public record AuthPolicy(Type type, List<String> data) {
    public static final AuthPolicy NONE = new AuthPolicy(Type.NONE, List.of());

    public AuthPolicy {
      data = List.copyOf(data);
    }

    public enum Type {
      NONE,
      BASIC,
      APIKEY,
      JWT,
      FORWARD
    }
  }

  /**
   * Cookie affinity to a backend.
   *
   * @param maxAgeSeconds cookie Max-Age, or null for a session cookie
   */
  public record StickySessions(boolean enabled, Long maxAgeSeconds, CookieShape cookie) {
    public static final StickySessions OFF = new StickySessions(false, null);

    public StickySessions {
      java.util.Objects.requireNonNull(cookie);
    }

    public StickySessions(boolean enabled, Long maxAgeSeconds) {
      this(enabled, maxAgeSeconds, CookieShape.ARALEZ);
    }
  }
}
