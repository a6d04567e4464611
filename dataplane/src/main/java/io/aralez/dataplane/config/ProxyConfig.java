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
 */
public record ProxyConfig(
    String source, String version, StickySessions sticky, List<VirtualHost> hosts) {

  /** The host name that catches every request no other host matches. */
  public static final String DEFAULT_HOST = "DEFAULT";

  public ProxyConfig {
    Objects.requireNonNull(sticky);
    hosts = List.copyOf(hosts);
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
      UpstreamProtocol protocol) {
    public Route {
      backends = List.copyOf(backends);
      serverHeaders = List.copyOf(serverHeaders);
      clientHeaders = List.copyOf(clientHeaders);
      Objects.requireNonNull(auth);
    }

    /** Stable identity for state that must survive a config swap (counters, health, buckets). */
    public String id() {
      return host + path;
    }
  }

  /** One upstream server. */
  public record Backend(HostPort address) {}

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
  public record StickySessions(boolean enabled, Long maxAgeSeconds) {
    public static final StickySessions OFF = new StickySessions(false, null);
  }
}
