package io.aralez.controller.build;

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
import io.aralez.api.v1.Redirect;
import io.aralez.api.v1.Route;
import io.aralez.api.v1.RouteSnapshot;
import io.aralez.api.v1.StickyCookie;
import io.aralez.api.v1.VirtualHost;
import io.aralez.api.v1.WeightedCluster;
import io.aralez.controller.crd.AralezRoute;
import io.aralez.controller.crd.AralezRouteSpec;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Cluster state in, route snapshot and per-object statuses out. Pure: no client calls, no clock, no
 * randomness; every output list is sorted, so equal input gives equal bytes and the versions are
 * hashes of those bytes.
 *
 * <p>Ingress semantics (see README "Kubernetes"): host first, then path; precise host, then a
 * one-label wildcard, then rules without host; the longest path wins and Exact beats Prefix on a
 * tie; ImplementationSpecific is Prefix; an identical host + path in two objects goes to the oldest
 * (then namespace/name); the default backend answers what no path of a matched host takes; objects
 * being deleted and objects of other classes are ignored.
 */
public final class SnapshotBuilder {
  static final String DEFAULT_HOST = "DEFAULT";
  static final String LEGACY_CLASS_ANNOTATION = "kubernetes.io/ingress.class";
  static final String DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class";
  static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  private final BuilderSettings settings;

  public SnapshotBuilder(BuilderSettings settings) {
    this.settings = settings;
  }

  public BuildResult build(ClusterState state) {
    return new Run(settings, state).build();
  }

  /**
   * {@code previous} with its endpoints worked out again from {@code slices}: when only
   * EndpointSlices changed, the routes part (and the statuses) cannot have, so they are kept and
   * only the endpoints part is rebuilt. Gives the same bytes as a full build of the same state.
   */
  public BuildResult withEndpoints(BuildResult previous, List<EndpointSlice> slices) {
    Run run =
        new Run(
            settings,
            new ClusterState(List.of(), List.of(), List.of(), List.of(), slices, List.of()));
    EndpointSnapshot.Builder eps = EndpointSnapshot.newBuilder();
    for (var e : previous.endpointSources().entrySet()) {
      eps.addClusters(
          ClusterEndpoints.newBuilder()
              .setCluster(e.getKey())
              .addAllEndpoints(
                  run.readyEndpoints(e.getValue().service(), e.getValue().portName())));
    }
    EndpointSnapshot endpoints = eps.build();
    return new BuildResult(
        previous.routes(),
        previous.routesVersion(),
        endpoints,
        hash(endpoints.toByteArray()),
        previous.statuses(),
        previous.endpointSources());
  }

  /** The IngressClasses that are ours, worked out once per build. */
  public record OurClasses(BuilderSettings settings, Set<String> names, boolean isDefault) {
    public static OurClasses of(BuilderSettings settings, List<IngressClass> classes) {
      Set<String> names = new TreeSet<>();
      boolean isDefault = false;
      for (IngressClass c : classes) {
        if (c.getSpec() != null && settings.controllerName().equals(c.getSpec().getController())) {
          names.add(c.getMetadata().getName());
          Map<String, String> a = c.getMetadata().getAnnotations();
          isDefault |= a != null && "true".equals(a.get(DEFAULT_CLASS_ANNOTATION));
        }
      }
      return new OurClasses(settings, Set.copyOf(names), isDefault);
    }

    /** Whether an Ingress belongs to us, by field, then legacy annotation, then default class. */
    public boolean serve(Ingress ing) {
      String field = ing.getSpec() == null ? null : ing.getSpec().getIngressClassName();
      Map<String, String> ann = ing.getMetadata().getAnnotations();
      String legacy = ann == null ? null : ann.get(LEGACY_CLASS_ANNOTATION);
      if (field != null && !field.isEmpty()) {
        return names.contains(field);
      }
      if (legacy != null && !legacy.isEmpty()) {
        return names.contains(legacy) || legacy.equals(settings.ingressClassName());
      }
      return isDefault || settings.watchWithoutClass();
    }

    /** An AralezRoute is ours when it names one of our classes, or none (it is our own kind). */
    public boolean serve(AralezRoute route) {
      String field = route.getSpec() == null ? null : route.getSpec().ingressClassName;
      return field == null || field.isEmpty() || names.contains(field);
    }
  }

  /** One build over one state. */
  private static final class Run {
    private final BuilderSettings settings;
    private final ClusterState state;
    private final Map<String, Service> services = new HashMap<>();
    private final Map<String, List<EndpointSlice>> slices = new HashMap<>();
    private final Map<String, Secret> secrets = new HashMap<>();
    private final SortedMap<ObjectRef, Report> reports = new TreeMap<>();
    // host → route key → route; insertion is oldest object first, so the first claim wins.
    private final Map<String, Map<String, Claimed>> hosts = new TreeMap<>();
    private final Map<String, Cluster> clusters = new TreeMap<>();
    private final Map<String, List<Endpoint>> endpoints = new TreeMap<>();
    private final Map<String, BuildResult.EndpointSource> sources = new TreeMap<>();
    private final Map<String, Certificate.Builder> certificates = new TreeMap<>();
    private final Map<String, String> sniOwners = new HashMap<>();
    private Claimed defaultBackend;

    Run(BuilderSettings settings, ClusterState state) {
      this.settings = settings;
      this.state = state;
      for (Service s : state.services()) {
        services.put(key(s), s);
      }
      for (EndpointSlice es : state.endpointSlices()) {
        Map<String, String> labels = es.getMetadata().getLabels();
        String svc = labels == null ? null : labels.get(SERVICE_NAME_LABEL);
        if (svc != null) {
          slices
              .computeIfAbsent(es.getMetadata().getNamespace() + "/" + svc, k -> new ArrayList<>())
              .add(es);
        }
      }
      for (Secret s : state.secrets()) {
        secrets.put(key(s), s);
      }
    }

    BuildResult build() {
      OurClasses ours = OurClasses.of(settings, state.ingressClasses());
      List<Ingress> ingresses = new ArrayList<>();
      for (Ingress ing : state.ingresses()) {
        if (ing.getMetadata().getDeletionTimestamp() == null && ours.serve(ing)) {
          ingresses.add(ing);
        }
      }
      List<AralezRoute> routes = new ArrayList<>();
      for (AralezRoute r : state.routes()) {
        if (r.getMetadata().getDeletionTimestamp() == null
            && r.getSpec() != null
            && ours.serve(r)) {
          routes.add(r);
        }
      }
      // Oldest first across both kinds, then namespace/name: the order conflicts are decided in.
      List<HasMetadata> all = new ArrayList<>(ingresses);
      all.addAll(routes);
      all.sort(AGE);
      for (HasMetadata o : all) {
        Report report = new Report(o);
        reports.put(ObjectRef.of(o), report);
        if (o instanceof Ingress ing) {
          addIngress(ing, report);
        } else {
          addRoute((AralezRoute) o, report);
        }
      }
      return assemble();
    }

    // ------------------------------------------------------------------------------- Ingress

    private void addIngress(Ingress ing, Report report) {
      String ns = ing.getMetadata().getNamespace();
      IngressAnnotations.Parsed ann = IngressAnnotations.parse(ing.getMetadata().getAnnotations());
      report.warnings.addAll(ann.warnings());
      report.errors.addAll(ann.errors());
      var spec = ing.getSpec();
      List<IngressRule> rules =
          spec == null || spec.getRules() == null ? List.of() : spec.getRules();
      // Validate everything first: an invalid Ingress is left out whole, never half-programmed.
      List<String> ruleHosts = new ArrayList<>();
      for (IngressRule rule : rules) {
        ruleHosts.add(
            checked(report, () -> rule.getHost() == null ? "" : Values.host(rule.getHost())));
        if (rule.getHttp() != null && rule.getHttp().getPaths() != null) {
          for (HTTPIngressPath p : rule.getHttp().getPaths()) {
            checked(report, () -> ingressPath(p));
            if (p.getBackend() == null
                || (p.getBackend().getService() == null && p.getBackend().getResource() == null)) {
              report.errors.add("path " + p.getPath() + " has no backend");
            }
          }
        }
      }
      if (rules.isEmpty() && (spec == null || spec.getDefaultBackend() == null)) {
        report.errors.add("the Ingress has neither rules nor a defaultBackend");
      }
      if (!report.errors.isEmpty()) {
        report.accepted = false;
        return;
      }
      Set<String> tlsHosts = new TreeSet<>();
      if (spec.getTls() != null) {
        for (IngressTLS tls : spec.getTls()) {
          List<String> names = new ArrayList<>();
          for (String h : tls.getHosts() == null ? List.<String>of() : tls.getHosts()) {
            String host = checkedWarning(report, () -> Values.host(h));
            if (host != null) {
              names.add(host);
              tlsHosts.add(host);
            }
          }
          if (tls.getSecretName() != null && !tls.getSecretName().isEmpty()) {
            addCertificate(report, ns, tls.getSecretName(), names);
          }
        }
      }
      PolicySpec policy = ann.policy();
      Policy proto = policy(report, ns, policy);
      String base = ns + "/Ingress/" + ing.getMetadata().getName();
      for (int i = 0; i < rules.size(); i++) {
        IngressRule rule = rules.get(i);
        String host = ruleHosts.get(i);
        String vhost = host.isEmpty() ? DEFAULT_HOST : host;
        hosts.computeIfAbsent(vhost, h -> new LinkedHashMap<>());
        if (rule.getHttp() == null || rule.getHttp().getPaths() == null) {
          continue;
        }
        boolean httpsRedirect =
            ann.forceSslRedirect()
                || (Boolean.TRUE.equals(policy.sslRedirect()) && coveredBy(host, tlsHosts));
        List<HTTPIngressPath> paths = rule.getHttp().getPaths();
        for (int j = 0; j < paths.size(); j++) {
          HTTPIngressPath p = paths.get(j);
          PathMatch path = ingressPath(p);
          Route.Builder r =
              Route.newBuilder()
                  .setId(base + "/" + i + "/" + j)
                  .setPath(path)
                  .setPolicy(proto)
                  .setHttpsRedirect(httpsRedirect);
          if (policy.redirectUrl() != null) {
            r.setRedirect(Redirect.newBuilder().setUrlPrefix(policy.redirectUrl()));
          } else {
            ingressBackend(report, ns, p.getBackend(), policy.protocol(), r);
          }
          claim(report, vhost, r);
        }
      }
      if (spec.getDefaultBackend() != null) {
        Route.Builder r =
            Route.newBuilder()
                .setId(base + "/default")
                .setPath(PathMatch.newBuilder().setType(PathMatch.Type.PREFIX).setValue("/"))
                .setPolicy(proto);
        ingressBackend(report, ns, spec.getDefaultBackend(), policy.protocol(), r);
        if (defaultBackend == null) {
          defaultBackend = new Claimed(report.ref, r.build());
        } else {
          report.warnings.add(
              "defaultBackend ignored: " + defaultBackend.owner + " is older and has one");
        }
      }
    }

    private static PathMatch ingressPath(HTTPIngressPath p) {
      String type = p.getPathType() == null ? "ImplementationSpecific" : p.getPathType();
      String value = p.getPath() == null || p.getPath().isEmpty() ? "/" : p.getPath();
      return switch (type) {
        case "Exact" ->
            PathMatch.newBuilder()
                .setType(PathMatch.Type.EXACT)
                .setValue(Values.path(value))
                .build();
        case "Prefix", "ImplementationSpecific" ->
            PathMatch.newBuilder()
                .setType(PathMatch.Type.PREFIX)
                .setValue(prefix(Values.path(value)))
                .build();
        default ->
            throw new IllegalArgumentException(
                "pathType '" + type + "' is not Exact, Prefix or ImplementationSpecific");
      };
    }

    private void ingressBackend(
        Report report, String ns, IngressBackend b, String protocol, Route.Builder r) {
      if (b.getService() == null) {
        report.warnings.add(
            "resource backends are not supported ("
                + b.getResource().getKind()
                + " "
                + b.getResource().getName()
                + "): answered with 503");
        report.resolvedRefs = false;
        r.setDirectStatus(503);
        return;
      }
      var port = b.getService().getPort();
      String cluster =
          cluster(
              report,
              ns,
              b.getService().getName(),
              port == null ? null : port.getNumber(),
              port == null ? null : port.getName(),
              protocol);
      if (cluster == null) {
        r.setDirectStatus(503);
      } else {
        r.addBackends(WeightedCluster.newBuilder().setCluster(cluster).setWeight(1));
      }
    }

    // ----------------------------------------------------------------------------- AralezRoute

    private void addRoute(AralezRoute ar, Report report) {
      String ns = ar.getMetadata().getNamespace();
      AralezRouteSpec spec = ar.getSpec();
      List<String> names = new ArrayList<>();
      if (spec.hostnames == null || spec.hostnames.isEmpty()) {
        report.errors.add("spec.hostnames is empty");
      } else {
        for (String h : spec.hostnames) {
          String host = checked(report, () -> Values.host(h));
          if (host != null) {
            names.add(host);
          }
        }
      }
      if (spec.routes == null || spec.routes.isEmpty()) {
        report.errors.add("spec.routes is empty");
      }
      PolicySpec defaults = checked(report, () -> policies(spec.defaults));
      List<PolicySpec> rulePolicies = new ArrayList<>();
      List<List<Route.Builder>> ruleMatches = new ArrayList<>();
      List<AralezRouteSpec.Rule> rules = spec.routes == null ? List.of() : spec.routes;
      for (int i = 0; i < rules.size(); i++) {
        AralezRouteSpec.Rule rule = rules.get(i);
        String where = "routes[" + i + "]";
        PolicySpec p = checked(report, () -> policies(rule));
        rulePolicies.add(p == null || defaults == null ? null : p.orElse(defaults));
        boolean hasBackends = rule.backends != null && !rule.backends.isEmpty();
        if (hasBackends == (rule.redirect != null)) {
          report.errors.add(where + " needs either backends or a redirect");
        }
        if (rule.redirect != null) {
          checked(report, () -> Values.url(rule.redirect.url));
          if (rule.redirect.statusCode != null) {
            checked(report, () -> Values.checkRedirectCode(rule.redirect.statusCode));
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
            checked(report, () -> Values.protocol(b.protocol));
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
          Route.Builder r = checked(report, () -> match(m));
          if (r != null) {
            matches.add(r);
          }
        }
        ruleMatches.add(matches);
      }
      if (spec.tls != null
          && spec.tls.httpsRedirect != null
          && spec.tls.httpsRedirect.statusCode != null) {
        checked(report, () -> Values.checkRedirectCode(spec.tls.httpsRedirect.statusCode));
      }
      if (!report.errors.isEmpty()) {
        report.accepted = false;
        return;
      }
      if (spec.tls != null && spec.tls.secretName != null) {
        addCertificate(report, ns, spec.tls.secretName, names);
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
        Policy proto = policy(report, ns, p);
        // Backends are resolved once per rule, whatever the number of hosts and matches.
        List<WeightedCluster> backends = new ArrayList<>();
        for (AralezRouteSpec.Backend b :
            rule.backends == null ? List.<AralezRouteSpec.Backend>of() : rule.backends) {
          int weight = b.weight == null ? 1 : b.weight;
          String protocol = b.protocol != null ? Values.protocol(b.protocol) : p.protocol();
          String c =
              cluster(
                  report, ns, b.service.name, b.service.port.number, b.service.port.name, protocol);
          if (c != null && weight > 0) {
            backends.add(WeightedCluster.newBuilder().setCluster(c).setWeight(weight).build());
          }
        }
        for (int m = 0; m < ruleMatches.get(i).size(); m++) {
          for (String host : names) {
            Route.Builder r =
                ruleMatches
                    .get(i)
                    .get(m)
                    .clone()
                    .setId(
                        base + "/" + (rule.name != null ? rule.name : String.valueOf(i)) + "/" + m)
                    .setPolicy(proto)
                    .setHttpsRedirect(httpsRedirect && rule.redirect == null);
            if (rule.redirect != null) {
              r.setRedirect(Redirect.newBuilder().setUrlPrefix(rule.redirect.url));
            } else if (backends.isEmpty()) {
              // Gateway semantics: no usable backend reference is a server-side error.
              r.setDirectStatus(500);
            } else {
              r.addAllBackends(backends);
            }
            claim(report, host, r);
          }
        }
      }
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
      Service svc = services.get(ns + "/" + b.service.name);
      ServicePort port =
          svc == null ? null : servicePort(svc, b.service.port.number, b.service.port.name);
      return port == null ? null : appProtocol(port.getAppProtocol());
    }

    private static ServicePort servicePort(Service svc, Integer number, String portName) {
      ServicePort port = null;
      for (ServicePort sp :
          svc.getSpec() == null || svc.getSpec().getPorts() == null
              ? List.<ServicePort>of()
              : svc.getSpec().getPorts()) {
        if (number != null && number != 0
            ? Objects.equals(sp.getPort(), number)
            : Objects.equals(sp.getName(), portName)) {
          port = sp;
        }
      }
      return port;
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
                  PathMatch.newBuilder().setType(PathMatch.Type.PREFIX).setValue(prefix(value)));
          default ->
              throw new IllegalArgumentException(
                  "path type '" + type + "' is not Exact or PathPrefix");
        }
      }
      List<AralezRouteSpec.NameValue> hs =
          m.headers == null ? List.of() : new ArrayList<>(m.headers);
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
          Comparator.comparing((AralezRouteSpec.NameValue q) -> q.name)
              .thenComparing(q -> q.value));
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
              : Values.connectAttempts(String.valueOf(p.retry.connectAttempts)));
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

    // ------------------------------------------------------------------------------ shared

    /** The policy proto, with Secrets resolved; a Secret that cannot be read fails closed. */
    private Policy policy(Report report, String ns, PolicySpec p) {
      Policy.Builder b = Policy.newBuilder();
      if (p.rateLimit() != null) {
        b.setRateLimitRps(p.rateLimit());
      }
      if (p.errorRateLimit() != null) {
        b.setErrorRateLimitRps(p.errorRateLimit());
      }
      if (p.requestHeaders() != null) {
        b.addAllRequestHeaders(p.requestHeaders());
      }
      if (p.responseHeaders() != null) {
        b.addAllResponseHeaders(p.responseHeaders());
      }
      if (p.stickyMaxAge() != null) {
        b.setSticky(StickyCookie.newBuilder().setEnabled(true).setMaxAgeSeconds(p.stickyMaxAge()));
      }
      b.setHealthCheck(Boolean.TRUE.equals(p.healthCheck()));
      if (p.connectTimeoutMs() != null) {
        b.setConnectTimeoutMs(p.connectTimeoutMs().intValue());
      }
      if (p.readTimeoutMs() != null) {
        b.setReadTimeoutMs(p.readTimeoutMs().intValue());
      }
      if (p.connectAttempts() != null) {
        b.setConnectAttempts(p.connectAttempts());
      }
      Integer code = p.redirectUrl() != null ? p.redirectCode() : p.sslRedirectCode();
      if (code != null) {
        b.setRedirectCode(code);
      }
      if (p.authType() != null && !p.authType().equals("NONE")) {
        Auth.Builder a = Auth.newBuilder().setType(Auth.Type.valueOf(p.authType()));
        if (p.authType().equals("FORWARD")) {
          a.setForwardUrl(p.authUrl());
        } else {
          String key =
              switch (p.authType()) {
                case "BASIC" -> "auth";
                case "APIKEY" -> "api-keys";
                default -> "jwt-secret";
              };
          List<String> creds =
              secretLines(report, ns, p.authSecret(), key, !p.authType().equals("JWT"));
          if (creds.isEmpty()) {
            // Fail closed: a route whose credentials are unreadable serves nobody, never everybody.
            a.addCredentials("");
            report.resolvedRefs = false;
          } else {
            a.addAllCredentials(creds);
          }
        }
        b.setAuth(a);
      }
      return b.build();
    }

    private List<String> secretLines(
        Report report, String ns, String name, String key, boolean lines) {
      Secret s = secrets.get(ns + "/" + name);
      String text = s == null ? null : secretValue(s, key);
      if (text == null) {
        report.warnings.add(
            "Secret "
                + ns
                + "/"
                + name
                + (s == null ? " not found" : " has no key " + key)
                + ": the route refuses every request until it does");
        return List.of();
      }
      List<String> out = new ArrayList<>();
      if (!lines) {
        out.add(text.strip());
        return text.isBlank() ? List.of() : out;
      }
      for (String line : text.split("\n")) {
        String l = line.strip();
        if (l.isEmpty()) {
          continue;
        }
        if (key.equals("auth") && !l.matches("[^:\\s]+:\\S+")) {
          // A malformed line would make every data plane refuse the snapshot: it is left out.
          report.warnings.add("a line of Secret " + ns + "/" + name + " is not user:hash; ignored");
          continue;
        }
        out.add(l);
      }
      return out;
    }

    private static String secretValue(Secret s, String key) {
      if (s.getData() != null && s.getData().get(key) != null) {
        try {
          return new String(
              Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          return null;
        }
      }
      return s.getStringData() == null ? null : s.getStringData().get(key);
    }

    private void addCertificate(Report report, String ns, String secretName, List<String> names) {
      Secret s = secrets.get(ns + "/" + secretName);
      String crt = s == null ? null : secretValue(s, "tls.crt");
      String key = s == null ? null : secretValue(s, "tls.key");
      if (crt == null
          || key == null
          || !crt.contains("-----BEGIN")
          || !key.contains("-----BEGIN")) {
        report.warnings.add(
            "TLS Secret "
                + ns
                + "/"
                + secretName
                + (s == null ? " not found" : " lacks PEM tls.crt and tls.key")
                + ": the default certificate is served for "
                + names);
        report.resolvedRefs = false;
        return;
      }
      String problem = Values.pemPairProblem(crt, key);
      if (problem != null) {
        report.warnings.add(
            "TLS Secret "
                + ns
                + "/"
                + secretName
                + " is unusable ("
                + problem
                + "): the default certificate is served for "
                + names);
        report.resolvedRefs = false;
        return;
      }
      String id = ns + "/" + secretName;
      Certificate.Builder c =
          certificates.computeIfAbsent(
              id,
              k ->
                  Certificate.newBuilder()
                      .setName(k)
                      .setCertificateChainPem(crt)
                      .setPrivateKeyPem(key));
      for (String n : names) {
        String owner = sniOwners.putIfAbsent(n, id);
        if (owner == null) {
          c.addServerNames(n);
        } else if (!owner.equals(id)) {
          report.warnings.add("TLS for " + n + " is already served from Secret " + owner);
        }
      }
    }

    /**
     * The cluster name of a Service port, registering its endpoints; null (and a warning) when the
     * Service or port does not exist.
     */
    private String cluster(
        Report report, String ns, String name, Integer number, String portName, String protocol) {
      Service svc = services.get(ns + "/" + name);
      if (svc == null) {
        report.warnings.add("Service " + ns + "/" + name + " not found: answered with 503/500");
        report.resolvedRefs = false;
        return null;
      }
      ServicePort port = servicePort(svc, number, portName);
      if (port == null) {
        report.warnings.add(
            "Service "
                + ns
                + "/"
                + name
                + " has no port "
                + (number != null && number != 0 ? number : portName));
        report.resolvedRefs = false;
        return null;
      }
      String proto = protocol != null ? protocol : appProtocol(port.getAppProtocol());
      String id =
          ns + "/" + name + ":" + port.getPort() + (proto.equals("HTTP") ? "" : "/" + proto);
      if (!clusters.containsKey(id)) {
        clusters.put(
            id,
            Cluster.newBuilder().setName(id).setProtocol(Cluster.Protocol.valueOf(proto)).build());
        endpoints.put(id, readyEndpoints(ns + "/" + name, port.getName()));
        sources.put(id, new BuildResult.EndpointSource(ns + "/" + name, port.getName()));
      }
      return id;
    }

    private static String appProtocol(String app) {
      if (app == null) {
        return "HTTP";
      }
      return switch (app.toLowerCase()) {
        case "https" -> "HTTPS";
        case "kubernetes.io/h2c", "h2c", "grpc" -> "H2C";
        default -> "HTTP";
      };
    }

    /** Ready, non-terminating addresses of a Service port, through its EndpointSlices. */
    private List<Endpoint> readyEndpoints(String service, String portName) {
      Set<String> seen = new TreeSet<>();
      List<Endpoint> out = new ArrayList<>();
      for (EndpointSlice es : slices.getOrDefault(service, List.of())) {
        if ("FQDN".equals(es.getAddressType())
            || es.getEndpoints() == null
            || es.getPorts() == null) {
          continue;
        }
        Integer portNumber = null;
        for (EndpointPort ep : es.getPorts()) {
          if (Objects.equals(
              Objects.requireNonNullElse(ep.getName(), ""),
              Objects.requireNonNullElse(portName, ""))) {
            portNumber = ep.getPort();
          }
        }
        if (portNumber == null) {
          continue;
        }
        for (var e : es.getEndpoints()) {
          EndpointConditions c = e.getConditions();
          boolean ready = c == null || c.getReady() == null || c.getReady();
          boolean terminating = c != null && Boolean.TRUE.equals(c.getTerminating());
          if (!ready || terminating || e.getAddresses() == null) {
            continue;
          }
          for (String a : e.getAddresses()) {
            if (!Values.ipLiteral(a)) {
              continue;
            }
            if (seen.add(a + " " + portNumber)) {
              out.add(Endpoint.newBuilder().setAddress(a).setPort(portNumber).build());
            }
          }
        }
      }
      out.sort(Comparator.comparing(Endpoint::getAddress).thenComparingInt(Endpoint::getPort));
      return out;
    }

    private void claim(Report report, String host, Route.Builder r) {
      String key = routeKey(r);
      Map<String, Claimed> table = hosts.computeIfAbsent(host, h -> new LinkedHashMap<>());
      Claimed prior = table.get(key);
      if (prior == null) {
        table.put(key, new Claimed(report.ref, r.build()));
      } else if (!prior.owner.equals(report.ref)) {
        report.warnings.add(
            "host "
                + host
                + " path "
                + r.getPath().getValue()
                + " is already served by "
                + prior.owner
                + " (older)");
      }
    }

    private static String routeKey(Route.Builder r) {
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
      return k.toString();
    }

    private BuildResult assemble() {
      RouteSnapshot.Builder snap = RouteSnapshot.newBuilder();
      if (defaultBackend != null) {
        hosts.computeIfAbsent(DEFAULT_HOST, h -> new LinkedHashMap<>());
      }
      for (Map.Entry<String, Map<String, Claimed>> h : hosts.entrySet()) {
        Map<String, Claimed> table = h.getValue();
        String rootKey = routeKey(Route.newBuilder().setPath(PathMatch.newBuilder().setValue("/")));
        if (defaultBackend != null && !table.containsKey(rootKey)) {
          table.put(rootKey, defaultBackend);
        }
        if (table.isEmpty()) {
          continue;
        }
        List<Map.Entry<String, Claimed>> sorted = new ArrayList<>(table.entrySet());
        sorted.sort(Map.Entry.comparingByKey());
        VirtualHost.Builder vh = VirtualHost.newBuilder().setName(h.getKey());
        for (Map.Entry<String, Claimed> e : sorted) {
          vh.addRoutes(e.getValue().route);
        }
        snap.addVirtualHosts(vh);
      }
      // Only clusters some route still uses (a losing claim may have registered one).
      Set<String> used = new TreeSet<>();
      for (VirtualHost vh : snap.getVirtualHostsList()) {
        for (Route r : vh.getRoutesList()) {
          for (WeightedCluster w : r.getBackendsList()) {
            used.add(w.getCluster());
          }
        }
      }
      EndpointSnapshot.Builder eps = EndpointSnapshot.newBuilder();
      java.util.SortedMap<String, BuildResult.EndpointSource> usedSources = new TreeMap<>();
      for (String c : used) {
        usedSources.put(c, sources.get(c));
        snap.addClusters(clusters.get(c));
        eps.addClusters(
            ClusterEndpoints.newBuilder().setCluster(c).addAllEndpoints(endpoints.get(c)));
      }
      for (Certificate.Builder c : certificates.values()) {
        if (c.getServerNamesCount() > 0) {
          List<String> names = new ArrayList<>(c.getServerNamesList());
          names.sort(null);
          snap.addCertificates(c.clone().clearServerNames().addAllServerNames(names));
        }
      }
      RouteSnapshot routes = snap.build();
      EndpointSnapshot endpointSnapshot = eps.build();
      SortedMap<ObjectRef, ObjectStatus> statuses = new TreeMap<>();
      for (Map.Entry<ObjectRef, Report> e : reports.entrySet()) {
        statuses.put(e.getKey(), e.getValue().status());
      }
      return new BuildResult(
          routes,
          hash(routes.toByteArray()),
          endpointSnapshot,
          hash(endpointSnapshot.toByteArray()),
          statuses,
          usedSources);
    }

    private static boolean coveredBy(String host, Set<String> tlsHosts) {
      if (host.isEmpty()) {
        return false;
      }
      if (tlsHosts.contains(host)) {
        return true;
      }
      int dot = host.indexOf('.');
      return dot > 0 && tlsHosts.contains("*" + host.substring(dot));
    }

    private static String prefix(String path) {
      return path.length() > 1 && path.endsWith("/")
          ? prefix(path.substring(0, path.length() - 1))
          : path;
    }

    private static String key(HasMetadata o) {
      return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
    }

    private static <T> T checked(Report report, java.util.function.Supplier<T> f) {
      try {
        return f.get();
      } catch (IllegalArgumentException e) {
        report.errors.add(e.getMessage());
        return null;
      }
    }

    private static <T> T checkedWarning(Report report, java.util.function.Supplier<T> f) {
      try {
        return f.get();
      } catch (IllegalArgumentException e) {
        report.warnings.add(e.getMessage());
        return null;
      }
    }
  }

  private static final Comparator<HasMetadata> AGE =
      Comparator.comparing(
              (HasMetadata o) ->
                  Objects.requireNonNullElse(o.getMetadata().getCreationTimestamp(), ""))
          .thenComparing(o -> Objects.requireNonNullElse(o.getMetadata().getNamespace(), ""))
          .thenComparing(o -> o.getMetadata().getName())
          .thenComparing(HasMetadata::getKind);

  private record Claimed(ObjectRef owner, Route route) {}

  private static final class Report {
    final ObjectRef ref;
    final long generation;
    final List<String> errors = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();
    boolean accepted = true;
    boolean resolvedRefs = true;

    Report(HasMetadata o) {
      ref = ObjectRef.of(o);
      Long g = o.getMetadata().getGeneration();
      generation = g == null ? 0 : g;
    }

    ObjectStatus status() {
      return new ObjectStatus(
          generation, accepted && errors.isEmpty(), resolvedRefs, errors, warnings);
    }
  }

  static String hash(byte[] bytes) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
