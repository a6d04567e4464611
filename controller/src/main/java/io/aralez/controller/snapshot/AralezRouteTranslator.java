package io.aralez.controller.snapshot;

import io.aralez.api.v1.HeaderMatch;
import io.aralez.api.v1.PathMatch;
import io.aralez.api.v1.Policy;
import io.aralez.api.v1.QueryParamMatch;
import io.aralez.api.v1.Redirect;
import io.aralez.api.v1.Route;
import io.aralez.api.v1.WeightedCluster;
import io.aralez.controller.crd.AralezRoute;
import io.aralez.controller.crd.AralezRouteSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Processor: one AralezRoute into routes (Gateway-API-shaped matches, policies, weighted backends,
 * redirects). An invalid AralezRoute is left out whole.
 */
final class AralezRouteTranslator {
  private final Clusters clusters;
  private final Policies policies;
  private final Certificates certificates;
  private final HostClaims claims;

  AralezRouteTranslator(Resolvers r) {
    this.clusters = r.clusters();
    this.policies = r.policies();
    this.certificates = r.certificates();
    this.claims = r.claims();
  }

  void add(AralezRoute ar, ObjectReport report) {
    String ns = ar.getMetadata().getNamespace();
    AralezRouteSpec spec = ar.getSpec();
    List<String> names = new ArrayList<>();
    if (spec.hostnames == null || spec.hostnames.isEmpty()) {
      report.errors.add("spec.hostnames is empty");
    } else {
      for (String h : spec.hostnames) {
        String host = report.checked(() -> Values.host(h));
        if (host != null) {
          names.add(host);
        }
      }
    }
    if (spec.routes == null || spec.routes.isEmpty()) {
      report.errors.add("spec.routes is empty");
    }
    PolicySpec defaults = report.checked(() -> policies(spec.defaults));
    List<PolicySpec> rulePolicies = new ArrayList<>();
    List<io.aralez.api.v1.RouteRules> ruleRules = new ArrayList<>();
    List<List<Route.Builder>> ruleMatches = new ArrayList<>();
    List<AralezRouteSpec.Rule> rules = spec.routes == null ? List.of() : spec.routes;
    for (int i = 0; i < rules.size(); i++) {
      AralezRouteSpec.Rule rule = rules.get(i);
      String where = "routes[" + i + "]";
      PolicySpec p = report.checked(() -> policies(rule));
      rulePolicies.add(p == null || defaults == null ? null : p.orElse(defaults));
      boolean hasBackends = rule.backends != null && !rule.backends.isEmpty();
      if (hasBackends == (rule.redirect != null)) {
        report.errors.add(where + " needs either backends or a redirect");
      }
      if (rule.redirect != null) {
        report.checked(() -> Values.url(rule.redirect.url));
        if (rule.redirect.statusCode != null) {
          report.checked(() -> Values.checkRedirectCode(rule.redirect.statusCode));
        }
      }
      for (AralezRouteSpec.Backend b :
          hasBackends ? rule.backends : List.<AralezRouteSpec.Backend>of()) {
        if (b.service == null
            || b.service.name == null
            || b.service.port == null
            || (b.service.port.number == null) == (b.service.port.name == null)) {
          report.errors.add(
              where + ": a backend needs service.name and one of port.number or port.name");
        }
        if (b.protocol != null) {
          report.checked(() -> Values.protocol(b.protocol));
        }
        if (b.weight != null && (b.weight < 0 || b.weight > 1_000_000)) {
          report.errors.add(where + ": weight " + b.weight + " is not within 0-1000000");
        }
      }
      // One route speaks one protocol to its backends: mixed ones would be refused by every
      // data plane, so the route is refused here, alone.
      Set<String> protocols = new TreeSet<>();
      for (AralezRouteSpec.Backend b :
          hasBackends ? rule.backends : List.<AralezRouteSpec.Backend>of()) {
        String proto = backendProtocol(ns, b);
        if (proto != null) {
          protocols.add(proto);
        }
      }
      if (protocols.size() > 1) {
        report.errors.add(
            where
                + ": its backends speak different protocols "
                + protocols
                + "; put them in separate routes");
      }
      List<Route.Builder> matches = new ArrayList<>();
      List<AralezRouteSpec.Match> ms =
          rule.matches == null || rule.matches.isEmpty()
              ? List.of(new AralezRouteSpec.Match())
              : rule.matches;
      for (AralezRouteSpec.Match m : ms) {
        Route.Builder r = report.checked(() -> match(m));
        if (r != null) {
          matches.add(r);
        }
      }
      ruleMatches.add(matches);
      boolean prefixOnly =
          matches.stream().allMatch(x -> x.getPath().getType() == PathMatch.Type.PREFIX);
      ruleRules.add(report.checked(() -> AralezRouteRules.of(rule, spec.defaults, prefixOnly)));
    }
    if (spec.tls != null
        && spec.tls.httpsRedirect != null
        && spec.tls.httpsRedirect.statusCode != null) {
      report.checked(() -> Values.checkRedirectCode(spec.tls.httpsRedirect.statusCode));
    }
    if (!report.errors.isEmpty()) {
      report.accepted = false;
      return;
    }
    if (spec.tls != null && spec.tls.secretName != null) {
      certificates.add(report, ns, spec.tls.secretName, names);
    }
    boolean httpsRedirect =
        spec.tls != null
            && spec.tls.httpsRedirect != null
            && !Boolean.FALSE.equals(spec.tls.httpsRedirect.enabled);
    Integer httpsCode = httpsRedirect ? spec.tls.httpsRedirect.statusCode : null;
    String base = ns + "/AralezRoute/" + ar.getMetadata().getName();
    for (int i = 0; i < rules.size(); i++) {
      AralezRouteSpec.Rule rule = rules.get(i);
      PolicySpec p = rulePolicies.get(i);
      if (rule.redirect != null) {
        p = p.withRedirects(null, rule.redirect.url, rule.redirect.statusCode);
      } else if (httpsCode != null) {
        p = p.withRedirects(httpsCode, null, null);
      }
      Policy proto = policies.policy(report, ns, p);
      // Backends are resolved once per rule, whatever the number of hosts and matches.
      List<WeightedCluster> backends = new ArrayList<>();
      for (AralezRouteSpec.Backend b :
          rule.backends == null ? List.<AralezRouteSpec.Backend>of() : rule.backends) {
        int weight = b.weight == null ? 1 : b.weight;
        String protocol = b.protocol != null ? Values.protocol(b.protocol) : p.protocol();
        String c =
            clusters.cluster(
                report, ns, b.service.name, b.service.port.number, b.service.port.name, protocol);
        if (c != null && weight > 0) {
          backends.add(WeightedCluster.newBuilder().setCluster(c).setWeight(weight).build());
        }
      }
      String errorCluster = errorCluster(report, ns, rule, spec.defaults);
      for (int m = 0; m < ruleMatches.get(i).size(); m++) {
        for (String host : names) {
          Route.Builder r =
              ruleMatches
                  .get(i)
                  .get(m)
                  .clone()
                  .setId(base + "/" + (rule.name != null ? rule.name : String.valueOf(i)) + "/" + m)
                  .setPolicy(proto)
                  .setHttpsRedirect(httpsRedirect && rule.redirect == null);
          if (!ruleRules.get(i).equals(io.aralez.api.v1.RouteRules.getDefaultInstance())) {
            r.setRules(ruleRules.get(i));
          }
          if (rule.redirect != null) {
            r.setRedirect(Redirect.newBuilder().setUrlPrefix(rule.redirect.url));
          } else if (backends.isEmpty()) {
            // Gateway semantics: no usable backend reference is a server-side error.
            r.setDirectStatus(500);
          } else {
            r.addAllBackends(backends);
          }
          if (errorCluster != null && rule.redirect == null) {
            var first = rule.backends.isEmpty() ? null : rule.backends.get(0).service;
            Fallbacks.attach(
                r,
                errorCluster,
                ns,
                ar.getMetadata().getName(),
                first == null ? "" : first.name,
                first == null || first.port == null
                    ? ""
                    : first.port.number != null ? first.port.number.toString() : first.port.name);
          }
          claims.claim(report, host, r);
        }
      }
    }
  }

  /** The cluster of the rule's error pages Service, or null when it has none (or it is unknown). */
  private String errorCluster(
      ObjectReport report,
      String ns,
      AralezRouteSpec.Rule rule,
      AralezRouteSpec.Policies defaults) {
    AralezRouteSpec.ErrorPages pages = AralezRouteRules.errorPages(rule, defaults);
    if (pages == null || pages.service == null || pages.service.port == null) {
      return null;
    }
    return clusters.cluster(
        report, ns, pages.service.name, pages.service.port.number, pages.service.port.name, "HTTP");
  }

  /** The protocol a backend will be spoken to with, or null when its Service port is unknown. */
  private String backendProtocol(String ns, AralezRouteSpec.Backend b) {
    if (b.protocol != null) {
      try {
        return Values.protocol(b.protocol);
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    if (b.service == null || b.service.port == null) {
      return null;
    }
    return clusters.portProtocol(ns, b.service.name, b.service.port.number, b.service.port.name);
  }

  private static Route.Builder match(AralezRouteSpec.Match m) {
    Route.Builder r = Route.newBuilder();
    if (m.path == null) {
      r.setPath(PathMatch.newBuilder().setType(PathMatch.Type.PREFIX).setValue("/"));
    } else {
      String type = m.path.type == null ? "PathPrefix" : m.path.type;
      String value = Values.path(m.path.value);
      switch (type) {
        case "Exact" ->
            r.setPath(PathMatch.newBuilder().setType(PathMatch.Type.EXACT).setValue(value));
        case "PathPrefix" ->
            r.setPath(
                PathMatch.newBuilder()
                    .setType(PathMatch.Type.PREFIX)
                    .setValue(Values.prefix(value)));
        default ->
            throw new IllegalArgumentException(
                "path type '" + type + "' is not Exact or PathPrefix");
      }
    }
    List<AralezRouteSpec.NameValue> hs = m.headers == null ? List.of() : new ArrayList<>(m.headers);
    hs.sort(
        Comparator.comparing((AralezRouteSpec.NameValue h) -> h.name.toLowerCase())
            .thenComparing(h -> h.value));
    for (AralezRouteSpec.NameValue h : hs) {
      Values.header(h.name, Objects.requireNonNullElse(h.value, ""));
      r.addHeaders(HeaderMatch.newBuilder().setName(h.name.toLowerCase()).setValue(h.value));
    }
    List<AralezRouteSpec.NameValue> qs =
        m.queryParams == null ? List.of() : new ArrayList<>(m.queryParams);
    qs.sort(
        Comparator.comparing((AralezRouteSpec.NameValue q) -> q.name).thenComparing(q -> q.value));
    for (AralezRouteSpec.NameValue q : qs) {
      if (q.name == null || q.name.isEmpty() || q.value == null) {
        throw new IllegalArgumentException("a query parameter match needs a name and a value");
      }
      r.addQueryParams(QueryParamMatch.newBuilder().setName(q.name).setValue(q.value));
    }
    if (m.method != null) {
      if (!m.method.matches("GET|HEAD|POST|PUT|DELETE|PATCH|OPTIONS|TRACE")) {
        throw new IllegalArgumentException("method '" + m.method + "' is not an HTTP method");
      }
      r.setMethod(m.method);
    }
    return r;
  }

  private static PolicySpec policies(AralezRouteSpec.Policies p) {
    if (p == null) {
      return PolicySpec.NONE;
    }
    String authType = null;
    String authSecret = null;
    String authUrl = null;
    if (p.authentication != null) {
      authType =
          switch (Objects.requireNonNullElse(p.authentication.type, "")) {
            case "None" -> "NONE";
            case "Basic" -> "BASIC";
            case "APIKey" -> "APIKEY";
            case "JWT" -> "JWT";
            case "Forward" -> "FORWARD";
            default ->
                throw new IllegalArgumentException(
                    "authentication.type '"
                        + p.authentication.type
                        + "' is not None, Basic, APIKey, JWT or Forward");
          };
      if (Set.of("BASIC", "APIKEY", "JWT").contains(authType)) {
        if (p.authentication.secretRef == null || p.authentication.secretRef.name == null) {
          throw new IllegalArgumentException(
              "authentication " + p.authentication.type + " needs secretRef.name");
        }
        authSecret = IngressAnnotations.secretName(p.authentication.secretRef.name);
      }
      if (authType.equals("FORWARD")) {
        if (p.authentication.forwardUrl == null) {
          throw new IllegalArgumentException("authentication Forward needs forwardUrl");
        }
        authUrl = Values.url(p.authentication.forwardUrl);
      }
    }
    return new PolicySpec(
        limit(p.rateLimit, "rateLimit"),
        limit(p.errorRateLimit, "errorRateLimit"),
        authType,
        authSecret,
        authUrl,
        headers(p.requestHeaders),
        headers(p.responseHeaders),
        p.sessionAffinity == null
            ? null
            : p.sessionAffinity.maxAgeSeconds == null
                ? 0L
                : positive(p.sessionAffinity.maxAgeSeconds),
        p.healthCheck == null ? null : Boolean.TRUE.equals(p.healthCheck.enabled),
        null,
        null,
        null,
        null,
        null,
        p.timeouts == null || p.timeouts.connect == null
            ? null
            : Values.timeoutMillis(p.timeouts.connect),
        p.timeouts == null || p.timeouts.read == null
            ? null
            : Values.timeoutMillis(p.timeouts.read),
        p.retry == null || p.retry.connectAttempts == null
            ? null
            : Values.connectAttempts(String.valueOf(p.retry.connectAttempts)),
        p.connections == null
            ? null
            : PolicySpec.BackendCap.of(
                p.connections.max,
                p.connections.queueSize,
                p.connections.queueTimeout == null
                    ? null
                    : Values.timeoutMillis(p.connections.queueTimeout)));
  }

  private static Long limit(AralezRouteSpec.RateLimit l, String field) {
    if (l == null) {
      return null;
    }
    if (l.requests == null || l.requests < 1) {
      throw new IllegalArgumentException(field + ".requests must be at least 1");
    }
    return l.requests;
  }

  private static long positive(long n) {
    if (n < 1) {
      throw new IllegalArgumentException("sessionAffinity.maxAgeSeconds must be at least 1");
    }
    return n;
  }

  private static List<io.aralez.api.v1.Header> headers(List<AralezRouteSpec.NameValue> list) {
    if (list == null) {
      return null;
    }
    List<io.aralez.api.v1.Header> out = new ArrayList<>();
    for (AralezRouteSpec.NameValue h : list) {
      if (h.name == null || h.value == null) {
        throw new IllegalArgumentException("a header needs a name and a value");
      }
      out.add(Values.header(h.name, h.value));
    }
    return out;
  }
}
