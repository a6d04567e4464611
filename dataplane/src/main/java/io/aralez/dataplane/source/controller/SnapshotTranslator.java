package io.aralez.dataplane.source.controller;

import io.aralez.api.v1.Auth;
import io.aralez.api.v1.Certificate;
import io.aralez.api.v1.Cluster;
import io.aralez.api.v1.ClusterEndpoints;
import io.aralez.api.v1.Endpoint;
import io.aralez.api.v1.EndpointSnapshot;
import io.aralez.api.v1.HeaderMatch;
import io.aralez.api.v1.PathMatch;
import io.aralez.api.v1.Policy;
import io.aralez.api.v1.QueryParamMatch;
import io.aralez.api.v1.RouteSnapshot;
import io.aralez.api.v1.WeightedCluster;
import io.aralez.common.pem.PemFiles;
import io.aralez.dataplane.config.ConfigException;
import io.aralez.dataplane.config.HostPort;
import io.aralez.dataplane.config.Match;
import io.aralez.dataplane.config.ProxyConfig;
import io.aralez.dataplane.config.ProxyConfig.AuthPolicy;
import io.aralez.dataplane.config.ProxyConfig.Backend;
import io.aralez.dataplane.config.ProxyConfig.Header;
import io.aralez.dataplane.config.ProxyConfig.Route;
import io.aralez.dataplane.config.ProxyConfig.StickySessions;
import io.aralez.dataplane.config.ProxyConfig.TlsCertificate;
import io.aralez.dataplane.config.ProxyConfig.VirtualHost;
import io.aralez.dataplane.config.UpstreamOptions;
import io.aralez.dataplane.config.UpstreamProtocol;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The controller's snapshot as the data plane's one config model. Pure, and as strict as the file
 * parser: anything the proxy could not enforce as written is an error, the whole snapshot is
 * refused (NACK) and the running config stays.
 */
public final class SnapshotTranslator {
  private static final long WEIGHT_SCALE = 1_000_000;

  private SnapshotTranslator() {}

  /**
   * The routes part, checked and translated once per routes version: everything but the backend
   * addresses, which {@link #bind} fills in for each endpoints version.
   */
  public record CompiledRoutes(
      Map<String, Cluster> clusters,
      List<CompiledHost> hosts,
      List<TlsCertificate> certificates,
      Map<String, String> acmeChallenges,
      List<io.aralez.api.v1.Passthrough> passthrough) {}

  /** A virtual host of {@link CompiledRoutes}. */
  public record CompiledHost(String name, List<CompiledRoute> routes) {}

  /**
   * A route without backends yet, and the clusters its backends come from; the fallback clusters
   * (with their request headers) serve while those have no endpoint.
   */
  public record CompiledRoute(
      Route route,
      List<WeightedCluster> clusters,
      List<WeightedCluster> fallback,
      List<Header> fallbackHeaders,
      boolean fallbackErrorsOnly) {}

  /**
   * Both stages at once.
   *
   * @param version the snapshot version, kept on the config for logs and status
   * @throws ConfigException listing every problem found
   */
  public static ProxyConfig translate(
      RouteSnapshot routes, EndpointSnapshot endpoints, String version) throws ConfigException {
    return bind(compile(routes, version), endpoints, version);
  }

  /** Checks and translates the routes part. */
  public static CompiledRoutes compile(RouteSnapshot routes, String version)
      throws ConfigException {
    List<String> errors = new ArrayList<>();
    Map<String, Cluster> clusters = new HashMap<>();
    for (Cluster c : routes.getClustersList()) {
      if (clusters.put(c.getName(), c) != null) {
        errors.add("cluster " + c.getName() + " is defined twice");
      }
      if (c.getProtocol() == Cluster.Protocol.UNRECOGNIZED) {
        errors.add("cluster " + c.getName() + " has an unknown protocol");
      }
    }
    List<CompiledHost> hosts = new ArrayList<>();
    for (io.aralez.api.v1.VirtualHost vh : routes.getVirtualHostsList()) {
      // Names, duplicates and every policy value are the validator's to judge (the same rules as
      // for a file); here only what cannot be translated at all is an error.
      String name = vh.getName();
      List<CompiledRoute> list = new ArrayList<>();
      for (io.aralez.api.v1.Route r : vh.getRoutesList()) {
        Route route = route(name, r, clusters, errors);
        if (route != null) {
          list.add(
              new CompiledRoute(
                  route,
                  r.getBackendsList(),
                  r.getFallbackBackendsList(),
                  headers(r.getFallbackHeadersList()),
                  r.getFallbackErrorsOnly()));
        }
      }
      hosts.add(new CompiledHost(name, list));
    }
    List<TlsCertificate> certificates = new ArrayList<>();
    for (Certificate c : routes.getCertificatesList()) {
      certificates.add(certificate(c, errors));
    }
    // HTTP-01 answers the controller's orders need from every proxy; a token that is not
    // base64url could never be requested, so it is refused rather than stored.
    Map<String, String> challenges = new HashMap<>();
    for (var c : routes.getAcmeChallengesList()) {
      if (!c.getToken().matches("[A-Za-z0-9_-]{1,256}") || c.getKeyAuthorization().isEmpty()) {
        errors.add("ACME challenge with an invalid token or no key authorization");
      } else {
        challenges.put(c.getToken(), c.getKeyAuthorization());
      }
    }
    var passthrough = PassthroughTranslator.compile(routes.getPassthroughList(), clusters, errors);
    if (!errors.isEmpty()) {
      throw new ConfigException("controller snapshot " + version, String.join("\n", errors));
    }
    return new CompiledRoutes(
        Map.copyOf(clusters),
        List.copyOf(hosts),
        List.copyOf(certificates),
        Map.copyOf(challenges),
        passthrough);
  }

  /**
   * Fills in the backends: each endpoint of a cluster gets the cluster's weight shared among them.
   */
  public static ProxyConfig bind(CompiledRoutes routes, EndpointSnapshot endpoints, String version)
      throws ConfigException {
    List<String> errors = new ArrayList<>();
    Map<String, List<HostPort>> addresses = new HashMap<>();
    for (ClusterEndpoints ce : endpoints.getClustersList()) {
      List<HostPort> list = new ArrayList<>();
      for (Endpoint e : ce.getEndpointsList()) {
        try {
          String host = e.getAddress().contains(":") ? "[" + e.getAddress() + "]" : e.getAddress();
          HostPort hp = HostPort.parse(host + ":" + e.getPort());
          if (!hp.ipLiteral()) {
            throw new IllegalArgumentException("'" + e.getAddress() + "' is not an IP address");
          }
          list.add(hp);
        } catch (IllegalArgumentException ex) {
          errors.add("cluster " + ce.getCluster() + ": " + ex.getMessage());
        }
      }
      addresses.put(ce.getCluster(), list);
    }
    List<VirtualHost> hosts = new ArrayList<>(routes.hosts().size());
    for (CompiledHost h : routes.hosts()) {
      List<Route> list = new ArrayList<>(h.routes().size());
      for (CompiledRoute cr : h.routes()) {
        List<Backend> backends = backends(cr.clusters(), addresses, errors);
        cr = withErrorBackends(cr, addresses, errors);
        if (backends.isEmpty() && !cr.fallback().isEmpty() && !cr.fallbackErrorsOnly()) {
          List<Backend> fallback = backends(cr.fallback(), addresses, errors);
          if (!fallback.isEmpty()) {
            list.add(cr.route().withBackends(fallback).withServerHeaders(cr.fallbackHeaders()));
            continue;
          }
        }
        list.add(cr.route().withBackends(backends));
      }
      hosts.add(new VirtualHost(h.name(), list));
    }
    var passthrough = PassthroughTranslator.bind(routes.passthrough(), addresses, errors);
    if (!errors.isEmpty()) {
      throw new ConfigException("controller snapshot " + version, String.join("\n", errors));
    }
    return new ProxyConfig(
        "controller",
        version,
        StickySessions.OFF,
        hosts,
        routes.certificates(),
        routes.acmeChallenges(),
        passthrough);
  }

  /** A route that replaces upstream errors gets its fallback endpoints as the error backends. */
  private static CompiledRoute withErrorBackends(
      CompiledRoute cr, Map<String, List<HostPort>> addresses, List<String> errors) {
    var pages = cr.route().rules().errorPages();
    if (pages == null) {
      return cr;
    }
    // X-Code is the intercepted status, set per request; the rest say which Service failed.
    List<Header> told =
        cr.fallbackHeaders().stream().filter(x -> !x.name().equalsIgnoreCase("X-Code")).toList();
    var rules = cr.route().rules();
    Route route =
        cr.route()
            .withRules(
                rules.withErrorPages(
                    pages.servedBy(backends(cr.fallback(), addresses, errors), told)));
    return new CompiledRoute(
        route, cr.clusters(), cr.fallback(), cr.fallbackHeaders(), cr.fallbackErrorsOnly());
  }

  /** Each endpoint of a cluster gets the cluster's weight shared among them. */
  private static List<Backend> backends(
      List<WeightedCluster> clusters, Map<String, List<HostPort>> addresses, List<String> errors) {
    List<Backend> backends = new ArrayList<>();
    for (WeightedCluster w : clusters) {
      List<HostPort> eps = addresses.get(w.getCluster());
      if (eps == null) {
        errors.add("cluster " + w.getCluster() + " has no endpoints entry");
        continue;
      }
      if (w.getWeight() == 0 || eps.isEmpty()) {
        continue;
      }
      long each = Math.max(1, w.getWeight() * WEIGHT_SCALE / eps.size());
      for (HostPort hp : eps) {
        backends.add(new Backend(hp, each, w.getNoAffinity()));
      }
    }
    return backends;
  }

  private static Route route(
      String host, io.aralez.api.v1.Route r, Map<String, Cluster> clusters, List<String> errors) {
    String where = "route " + r.getId() + " (" + host + ")";
    int before = errors.size();
    PathMatch pm = r.getPath();
    String path = pm.getValue();
    if (pm.getType() == PathMatch.Type.UNRECOGNIZED) {
      errors.add(where + ": unknown path match type");
    }
    List<Header> headerMatches = new ArrayList<>();
    List<io.aralez.dataplane.config.HeaderPattern> headerPatterns = new ArrayList<>();
    for (HeaderMatch h : r.getHeadersList()) {
      String name = h.getName().toLowerCase(Locale.ROOT);
      if (!h.getRegex()) {
        headerMatches.add(new Header(name, h.getValue()));
        continue;
      }
      String problem = io.aralez.common.values.PathRegexes.headerProblem(h.getValue());
      if (problem != null) {
        errors.add(where + ": header " + name + ": " + problem);
      } else {
        headerPatterns.add(new io.aralez.dataplane.config.HeaderPattern(name, h.getValue()));
      }
    }
    List<Header> queryMatches = new ArrayList<>();
    for (QueryParamMatch q : r.getQueryParamsList()) {
      queryMatches.add(new Header(q.getName(), q.getValue()));
    }
    String method = r.getMethod().isEmpty() ? null : r.getMethod();
    Match match =
        new Match(
            pm.getType() == PathMatch.Type.EXACT,
            method,
            headerMatches,
            queryMatches,
            pm.getType() == PathMatch.Type.REGEX ? path : null,
            r.getCookiesList().stream().map(c -> new Header(c.getName(), c.getValue())).toList(),
            headerPatterns);
    var rules = RulesTranslator.rules(where, r.getRules(), errors);

    Policy p = r.getPolicy();
    int redirectCode = p.getRedirectCode() == 0 ? 301 : p.getRedirectCode();
    String redirectTo = null;
    if (r.hasRedirect()) {
      redirectTo = r.getRedirect().getUrlPrefix();
      if (redirectTo.endsWith("/")) {
        redirectTo = redirectTo.substring(0, redirectTo.length() - 1);
      }
    }
    Integer directStatus = r.getDirectStatus() == 0 ? null : r.getDirectStatus();

    UpstreamProtocol protocol = null;
    boolean mixed = false;
    for (WeightedCluster w : r.getBackendsList()) {
      Cluster c = clusters.get(w.getCluster());
      if (c == null) {
        errors.add(where + ": cluster " + w.getCluster() + " is not in the snapshot");
        continue;
      }
      UpstreamProtocol cp = protocol(c.getProtocol());
      mixed |= protocol != null && cp != protocol;
      protocol = cp;
    }
    if (mixed) {
      errors.add(where + ": its clusters speak different protocols");
    }

    List<Header> serverHeaders = headers(p.getRequestHeadersList());
    List<Header> clientHeaders = headers(p.getResponseHeadersList());
    AuthPolicy auth = auth(where, p.getAuth(), errors);
    if (auth.type() != AuthPolicy.Type.NONE
        && auth.type() != AuthPolicy.Type.FORWARD
        && auth.data().stream().allMatch(String::isEmpty)) {
      // Credentials the controller could not read: refuse everyone rather than admit everyone.
      directStatus = 503;
    }
    StickySessions sticky = StickyShapes.sticky(where, p.getSticky(), errors);
    UpstreamOptions upstream =
        new UpstreamOptions(
            p.getConnectTimeoutMs() == 0 ? null : Duration.ofMillis(p.getConnectTimeoutMs()),
            p.getReadTimeoutMs() == 0 ? null : Duration.ofMillis(p.getReadTimeoutMs()),
            p.getConnectAttempts() == 0 ? 2 : p.getConnectAttempts(),
            p.getMaxConnections(),
            p.hasQueueSize() ? p.getQueueSize() : -1,
            p.getQueueTimeoutMs() == 0 ? null : Duration.ofMillis(p.getQueueTimeoutMs()),
            p.hasUpstreamTls() ? UpstreamTranslator.tls(p.getUpstreamTls()) : null,
            p.hasNextUpstream() ? UpstreamTranslator.next(p.getNextUpstream()) : null,
            p.getLoadBalancing() == io.aralez.api.v1.LoadBalancing.EWMA,
            p.getSendTimeoutMs() == 0 ? null : Duration.ofMillis(p.getSendTimeoutMs()));
    if (errors.size() > before) {
      return null;
    }
    return new Route(
        host,
        path,
        List.of(),
        p.getHealthCheck(),
        r.getHttpsRedirect(),
        redirectTo,
        p.getRateLimitRps() == 0 ? null : p.getRateLimitRps(),
        p.getErrorRateLimitRps() == 0 ? null : p.getErrorRateLimitRps(),
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

  /** Checks that the chain and key parse and belong together; the TLS layer builds contexts. */
  private static TlsCertificate certificate(Certificate c, List<String> errors) {
    String where = "certificate " + c.getName();
    try {
      List<X509Certificate> chain = PemFiles.certificates(where, c.getCertificateChainPem());
      PrivateKey key = PemFiles.privateKey(where, c.getPrivateKeyPem());
      if (!PemFiles.keyMatches(chain.get(0).getPublicKey(), key)) {
        errors.add(where + ": the private key does not belong to the certificate");
      }
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      errors.add(where + ": " + e.getMessage());
    }
    return new TlsCertificate(
        c.getName(), c.getServerNamesList(), c.getCertificateChainPem(), c.getPrivateKeyPem());
  }

  private static UpstreamProtocol protocol(Cluster.Protocol p) {
    return switch (p) {
      case HTTPS -> UpstreamProtocol.HTTPS;
      case H2 -> UpstreamProtocol.H2;
      case H2C -> UpstreamProtocol.H2C;
      default -> UpstreamProtocol.HTTP;
    };
  }

  private static List<Header> headers(List<io.aralez.api.v1.Header> list) {
    List<Header> out = new ArrayList<>(list.size());
    for (io.aralez.api.v1.Header h : list) {
      out.add(new Header(h.getName(), h.getValue()));
    }
    return out;
  }

  private static AuthPolicy auth(String where, Auth a, List<String> errors) {
    return switch (a.getType()) {
      case NONE -> AuthPolicy.NONE;
      case BASIC -> new AuthPolicy(AuthPolicy.Type.BASIC, a.getCredentialsList());
      case APIKEY -> new AuthPolicy(AuthPolicy.Type.APIKEY, a.getCredentialsList());
      case JWT -> new AuthPolicy(AuthPolicy.Type.JWT, a.getCredentialsList());
      case FORWARD -> new AuthPolicy(AuthPolicy.Type.FORWARD, List.of(a.getForwardUrl()));
      default -> {
        errors.add(where + ": unknown auth type");
        yield AuthPolicy.NONE;
      }
    };
  }
}
