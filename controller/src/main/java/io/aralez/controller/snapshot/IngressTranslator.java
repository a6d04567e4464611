package io.aralez.controller.snapshot;

import io.aralez.api.v1.PathMatch;
import io.aralez.api.v1.Policy;
import io.aralez.api.v1.Redirect;
import io.aralez.api.v1.Route;
import io.aralez.api.v1.WeightedCluster;
import io.aralez.controller.snapshot.nginx.NginxResult;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Processor: one Ingress into routes (Ingress v1 semantics, {@code aralez.io/*} annotations). An
 * invalid Ingress is left out whole, never half-programmed.
 */
final class IngressTranslator {
  private final Clusters clusters;
  private final Policies policies;
  private final Certificates certificates;
  private final HostClaims claims;
  private final NginxCompat compat;
  private final Passthroughs passthroughs;
  // --default-backend-service's cluster: custom-http-errors go there without a default-backend.
  private final String globalErrors;

  IngressTranslator(Resolvers r) {
    this(r, NginxCompat.OFF, null);
  }

  IngressTranslator(Resolvers r, NginxCompat compat, String globalErrors) {
    this.globalErrors = globalErrors;
    this.clusters = r.clusters();
    this.policies = r.policies();
    this.certificates = r.certificates();
    this.claims = r.claims();
    this.passthroughs = r.passthroughs();
    this.compat = compat;
  }

  void add(Ingress ing, ObjectReport report) {
    add(ing, report, ClassFilter.Flavour.NATIVE);
  }

  /**
   * @param flavour through which class the Ingress is ours: ingress-nginx's gets its ConfigMap
   *     defaults too
   */
  void add(Ingress ing, ObjectReport report, ClassFilter.Flavour flavour) {
    String ns = ing.getMetadata().getNamespace();
    IngressAnnotations.Parsed ann = IngressAnnotations.parse(ing.getMetadata().getAnnotations());
    report.warnings.addAll(ann.warnings());
    report.errors.addAll(ann.errors());
    NginxResult nginx = compat.read(ing, flavour, report);
    if (!report.accepted) {
      return;
    }
    boolean regex = ann.regex() || nginx != null && nginx.regex();
    io.aralez.api.v1.RouteRules requestRules =
        nginx == null ? ann.rules() : nginx.rules().toBuilder().mergeFrom(ann.rules()).build();
    if (requestRules.hasNginxRateLimit()) {
      // ingress-nginx keeps one limit_req zone per Ingress: its paths share a client's buckets.
      requestRules =
          requestRules.toBuilder()
              .setNginxRateLimit(
                  requestRules.getNginxRateLimit().toBuilder()
                      .setZone(ns + "/" + ing.getMetadata().getName()))
              .build();
    }
    var spec = ing.getSpec();
    List<IngressRule> rules = spec == null || spec.getRules() == null ? List.of() : spec.getRules();
    // Validate everything first: an invalid Ingress is left out whole, never half-programmed.
    List<String> ruleHosts = new ArrayList<>();
    for (IngressRule rule : rules) {
      ruleHosts.add(
          report.checked(() -> rule.getHost() == null ? "" : Values.host(rule.getHost())));
      if (rule.getHttp() != null && rule.getHttp().getPaths() != null) {
        for (HTTPIngressPath p : rule.getHttp().getPaths()) {
          report.checked(() -> regex ? IngressPaths.regex(p, report) : IngressPaths.of(p));
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
    if (nginx != null && nginx.sslPassthrough()) {
      // TLS for these hosts never reaches the routes below; plain HTTP still does.
      passthroughs.add(report, ing, ruleHosts);
    }
    Set<String> tlsHosts = tls(report, ns, spec.getTls());
    PolicySpec policy =
        nginx == null ? ann.policy() : ann.policy().orElse(NginxCompat.policy(nginx));
    if (nginx != null) {
      // ingress-nginx redirects a host that any Ingress gives a certificate.
      tlsHosts = new TreeSet<>(tlsHosts);
      tlsHosts.addAll(compat.tlsHosts());
    }
    Policy proto = policies.policy(report, ns, policy);
    boolean tlsDenied = false;
    if (nginx != null && nginx.nextUpstream() != null) {
      proto = proto.toBuilder().setNextUpstream(nginx.nextUpstream()).build();
    }
    if (nginx != null && nginx.ewma()) {
      proto = proto.toBuilder().setLoadBalancing(io.aralez.api.v1.LoadBalancing.EWMA).build();
    }
    if (nginx != null && nginx.sendTimeoutMs() != null) {
      proto = proto.toBuilder().setSendTimeoutMs(nginx.sendTimeoutMs().intValue()).build();
    }
    if (nginx != null && nginx.upstreamTls() != null) {
      Policy withTls = policies.withUpstreamTls(report, ns, proto, nginx.upstreamTls());
      tlsDenied = withTls == null;
      proto = withTls == null ? proto : withTls;
    }
    if (nginx != null && nginx.customHeaders() != null) {
      var added = policies.customHeaders(report, ns, nginx.customHeaders());
      tlsDenied |= added == null;
      if (added != null) {
        proto = proto.toBuilder().addAllResponseHeaders(added).build();
      }
    }
    if (nginx != null && nginx.authProxyHeaders() != null && requestRules.hasExternalAuth()) {
      var sent = policies.configMapHeaders(report, ns, nginx.authProxyHeaders(), null);
      tlsDenied |= sent == null;
      if (sent != null) {
        requestRules =
            requestRules.toBuilder()
                .setExternalAuth(
                    requestRules.getExternalAuth().toBuilder().addAllRequestHeaders(sent))
                .build();
      }
    }
    io.aralez.api.v1.ClientCertificates hostCerts = null;
    if (nginx != null && nginx.clientCerts() != null) {
      hostCerts = policies.clientCertificates(report, ns, nginx.clientCerts());
      tlsDenied |= hostCerts == null;
    }
    boolean forceSslRedirect = ann.forceSslRedirect() || nginx != null && nginx.forceSslRedirect();
    String defaultBackend =
        ann.defaultBackend() != null
            ? ann.defaultBackend()
            : nginx != null ? nginx.defaultBackend() : null;
    String base = ns + "/Ingress/" + ing.getMetadata().getName();
    for (int i = 0; i < rules.size(); i++) {
      IngressRule rule = rules.get(i);
      String host = ruleHosts.get(i);
      String vhost = host.isEmpty() ? HostClaims.DEFAULT_HOST : host;
      claims.host(vhost);
      if (hostCerts != null && !claims.hostClientCertificates(vhost, hostCerts)) {
        report.warnings.add(
            "auth-tls for host " + vhost + " comes from an older Ingress (it is per host)");
      }
      if (rule.getHttp() == null || rule.getHttp().getPaths() == null) {
        continue;
      }
      boolean httpsRedirect =
          forceSslRedirect
              || (Boolean.TRUE.equals(policy.sslRedirect()) && coveredBy(host, tlsHosts));
      if (nginx != null && nginx.regex() && compat.settings().quirks()) {
        claims.regexHost(vhost);
      }
      if (nginx != null && nginx.fromToWww() && !host.isEmpty() && !host.startsWith("*.")) {
        wwwTwin(report, base + "/" + i, host, proto);
      }
      List<HTTPIngressPath> paths = rule.getHttp().getPaths();
      for (int j = 0; j < paths.size(); j++) {
        HTTPIngressPath p = paths.get(j);
        Route.Builder r =
            Route.newBuilder()
                .setId(base + "/" + i + "/" + j)
                .setPath(regex ? IngressPaths.regex(p, null) : IngressPaths.of(p))
                .setPolicy(proto)
                .setHttpsRedirect(httpsRedirect);
        if (!requestRules.equals(io.aralez.api.v1.RouteRules.getDefaultInstance())) {
          // Unset when empty: a snapshot without rules keeps its bytes (and version).
          r.setRules(requestRules);
        }
        if (nginx != null) {
          claims.writtenPath(r.getId(), IngressPaths.written(p));
          if (nginx.cookieShape() != null && proto.getSticky().getEnabled()) {
            r.setPolicy(withCookie(proto, nginx.cookieShape(), IngressPaths.written(p)));
          }
        }
        if (policy.redirectUrl() != null) {
          r.setRedirect(Redirect.newBuilder().setUrlPrefix(policy.redirectUrl()));
        } else {
          backend(
              report,
              ns,
              p.getBackend(),
              policy.protocol(),
              r,
              nginx != null && nginx.serviceUpstream());
        }
        if (defaultBackend != null && r.getRedirect().getUrlPrefix().isEmpty()) {
          fallback(report, ns, ing.getMetadata().getName(), p.getBackend(), defaultBackend, r);
        } else if (r.getRules().getInterceptCodesCount() > 0) {
          globalErrorPages(ns, ing.getMetadata().getName(), p.getBackend(), r);
        }
        if (nginx != null && nginx.denied() || tlsDenied) {
          // As ingress-nginx denies the location: 503 for everyone, never an open route.
          r.clearBackends().setDirectStatus(503);
        }
        if (nginx != null && nginx.canary() != null) {
          // Not a route of its own: a share of its main Ingress's route (HostClaims.resolve).
          claims.canary(report, vhost, r, nginx.canary());
        } else {
          claims.claim(report, vhost, r);
          for (String alias : nginx == null ? List.<String>of() : nginx.aliases()) {
            if (compat.ruleHosts().contains(alias)) {
              report.warnings.add(
                  "server-alias " + alias + " ignored: an Ingress defines that host");
            } else {
              claims.claim(report, alias, r);
            }
          }
        }
      }
    }
    if (spec.getDefaultBackend() != null) {
      Route.Builder r =
          Route.newBuilder()
              .setId(base + "/default")
              .setPath(PathMatch.newBuilder().setType(PathMatch.Type.PREFIX).setValue("/"))
              .setPolicy(proto);
      backend(report, ns, spec.getDefaultBackend(), policy.protocol(), r);
      claims.claimDefault(report, r.build());
    }
  }

  /**
   * ingress-nginx's default-backend: the Service that answers while the path's own has no endpoint
   * (or does not exist), and the error pages' backend.
   */
  private void fallback(
      ObjectReport report,
      String ns,
      String ingress,
      IngressBackend own,
      String service,
      Route.Builder r) {
    Integer port = clusters.firstPort(ns, service);
    String cluster = port == null ? null : clusters.cluster(report, ns, service, port, null, null);
    if (cluster == null) {
      report.warnings.add("default-backend Service " + ns + "/" + service + " not found");
      return;
    }
    Fallbacks.attach(r, cluster, ns, ingress, serviceName(own), servicePort(own));
  }

  /** custom-http-errors without a default-backend: the controller's, or no interception. */
  private void globalErrorPages(String ns, String ingress, IngressBackend own, Route.Builder r) {
    if (globalErrors == null || !r.getRedirect().getUrlPrefix().isEmpty()) {
      var rest = r.getRules().toBuilder().clearInterceptCodes().build();
      if (rest.equals(io.aralez.api.v1.RouteRules.getDefaultInstance())) {
        r.clearRules();
      } else {
        r.setRules(rest);
      }
      return;
    }
    Fallbacks.attach(r, globalErrors, ns, ingress, serviceName(own), servicePort(own), true);
  }

  private static String serviceName(IngressBackend b) {
    return b.getService() == null ? "" : b.getService().getName();
  }

  private static String servicePort(IngressBackend b) {
    var sp = b.getService() == null ? null : b.getService().getPort();
    return sp == null ? "" : sp.getNumber() != null ? String.valueOf(sp.getNumber()) : sp.getName();
  }

  /**
   * from-to-www-redirect: the www / bare twin of {@code host} answers every request with a redirect
   * to the same path on {@code host}, unless some Ingress serves the twin itself.
   */
  private void wwwTwin(ObjectReport report, String id, String host, Policy policy) {
    String twin = host.startsWith("www.") ? host.substring(4) : "www." + host;
    if (compat.ruleHosts().contains(twin)) {
      return;
    }
    int code = policy.getRedirectCode() == 0 ? 308 : policy.getRedirectCode();
    Route.Builder r =
        Route.newBuilder()
            .setId(id + "/www")
            .setPath(PathMatch.newBuilder().setType(PathMatch.Type.PREFIX).setValue("/"))
            .setRules(
                io.aralez.api.v1.RouteRules.newBuilder()
                    .setRedirectLocation("$scheme://" + host + "$request_uri")
                    .setRedirectLocationCode(code)
                    .setRedirectLocationWithPort(true));
    claims.host(twin);
    claims.claim(report, twin, r);
  }

  /** The hosts of {@code spec.tls}, registering their certificates. */
  private Set<String> tls(ObjectReport report, String ns, List<IngressTLS> tlsList) {
    Set<String> tlsHosts = new TreeSet<>();
    for (IngressTLS tls : tlsList == null ? List.<IngressTLS>of() : tlsList) {
      List<String> names = new ArrayList<>();
      for (String h : tls.getHosts() == null ? List.<String>of() : tls.getHosts()) {
        String host = report.checkedWarning(() -> Values.host(h));
        if (host != null) {
          names.add(host);
          tlsHosts.add(host);
        }
      }
      if (tls.getSecretName() != null && !tls.getSecretName().isEmpty()) {
        certificates.add(report, ns, tls.getSecretName(), names);
      }
    }
    return tlsHosts;
  }

  /**
   * The policy with ingress-nginx's affinity cookie; its Path defaults to the Ingress path (a regex
   * path gives "/", as a cookie path cannot hold one).
   */
  private static Policy withCookie(
      Policy policy, io.aralez.api.v1.StickyCookie shape, String ingressPath) {
    io.aralez.api.v1.StickyCookie.Builder c = policy.getSticky().toBuilder().mergeFrom(shape);
    if (shape.getPath().isEmpty()) {
      c.setPath(ingressPath.matches("/[A-Za-z0-9/_.~-]*") ? ingressPath : "/");
    }
    return policy.toBuilder().setSticky(c).build();
  }

  private void backend(
      ObjectReport report, String ns, IngressBackend b, String protocol, Route.Builder r) {
    backend(report, ns, b, protocol, r, false);
  }

  private void backend(
      ObjectReport report,
      String ns,
      IngressBackend b,
      String protocol,
      Route.Builder r,
      boolean viaService) {
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
    String cluster = clusters.cluster(report, ns, b.getService(), protocol, viaService);
    if (cluster == null) {
      r.setDirectStatus(503);
    } else {
      r.addBackends(WeightedCluster.newBuilder().setCluster(cluster).setWeight(1));
    }
  }

  /** Whether a TLS host (exact, or a one-label wildcard) covers {@code host}. */
  static boolean coveredBy(String host, Set<String> tlsHosts) {
    if (host.isEmpty()) {
      return false;
    }
    if (tlsHosts.contains(host)) {
      return true;
    }
    int dot = host.indexOf('.');
    return dot > 0 && tlsHosts.contains("*" + host.substring(dot));
  }
}
