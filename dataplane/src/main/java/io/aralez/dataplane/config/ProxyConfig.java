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
 * @param passthrough hosts whose TLS connections are relayed by SNI, undecrypted, to backends
 */
public record ProxyConfig(
    String source,
    String version,
    StickySessions sticky,
    List<VirtualHost> hosts,
    List<TlsCertificate> certificates,
    java.util.Map<String, String> acmeChallenges,
    List<Passthrough> passthrough) {

  /** The host name that catches every request no other host matches. */
  public static final String DEFAULT_HOST = "DEFAULT";

  public ProxyConfig {
    Objects.requireNonNull(sticky);
    hosts = List.copyOf(hosts);
    certificates = List.copyOf(certificates);
    acmeChallenges = java.util.Map.copyOf(acmeChallenges);
    passthrough = List.copyOf(passthrough);
  }

  /** A config that passes no TLS through. */
  public ProxyConfig(
      String source,
      String version,
      StickySessions sticky,
      List<VirtualHost> hosts,
      List<TlsCertificate> certificates,
      java.util.Map<String, String> acmeChallenges) {
    this(source, version, sticky, hosts, certificates, acmeChallenges, List.of());
  }

  /**
   * A host whose TLS is not terminated here: a connection whose SNI equals {@code host} is relayed
   * byte for byte to one of {@code backends} (ssl-passthrough).
   *
   * @param host exact lower-case host name
   * @param backends where to connect, tried in turn from a rotating start
   */
  public record Passthrough(String host, List<HostPort> backends) {
    public Passthrough {
      Objects.requireNonNull(host);
      backends = List.copyOf(backends);
    }
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

    /** This route with its own cookie affinity. */
    public Route withSticky(StickySessions sticky) {
      return copy(backends, serverHeaders, rules, upstream, sticky);
    }

    private Route copy(List<Backend> backends, List<Header> serverHeaders, RouteRules rules) {
      return copy(backends, serverHeaders, rules, upstream);
    }

    private Route copy(
        List<Backend> backends,
        List<Header> serverHeaders,
        RouteRules rules,
        UpstreamOptions upstream) {
      return copy(backends, serverHeaders, rules, upstream, sticky);
    }

    private Route copy(
        List<Backend> backends,
        List<Header> serverHeaders,
        RouteRules rules,
        UpstreamOptions upstream,
        StickySessions sticky) {
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
   * One upstream server.
   *
   * @param weight its share of new requests relative to the route's other backends; 0 gets none
   * @param noAffinity a sticky cookie never names it, and its answers set none
   */
  public record Backend(HostPort address, long weight, boolean noAffinity) {
    public Backend(HostPort address, long weight) {
      this(address, weight, false);
    }

    public Backend(HostPort address) {
      this(address, 1);
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
   * @param keepOnFailure a request sent elsewhere because its cookie's backend failed keeps the
   *     cookie while that backend is still listed (ingress-nginx's default); false: the cookie is
   *     re-issued for the backend that answered
   */
  public record StickySessions(
      boolean enabled, Long maxAgeSeconds, CookieShape cookie, boolean keepOnFailure) {
    public static final StickySessions OFF = new StickySessions(false, null);

    public StickySessions {
      java.util.Objects.requireNonNull(cookie);
    }

    public StickySessions(boolean enabled, Long maxAgeSeconds, CookieShape cookie) {
      this(enabled, maxAgeSeconds, cookie, false);
    }

    public StickySessions(boolean enabled, Long maxAgeSeconds) {
      this(enabled, maxAgeSeconds, CookieShape.ARALEZ);
    }

    /** The same affinity with another cookie shape. */
    public StickySessions withCookie(CookieShape shape) {
      return new StickySessions(enabled, maxAgeSeconds, shape, keepOnFailure);
    }
  }
}
