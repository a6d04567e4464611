package io.aralez.controller.snapshot;

import io.aralez.api.v1.PathMatch;
import io.aralez.api.v1.Policy;
import io.aralez.api.v1.Redirect;
import io.aralez.api.v1.Route;
import io.aralez.api.v1.WeightedCluster;
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

  IngressTranslator(Resolvers r) {
    this.clusters = r.clusters();
    this.policies = r.policies();
    this.certificates = r.certificates();
    this.claims = r.claims();
  }

  void add(Ingress ing, ObjectReport report) {
    String ns = ing.getMetadata().getNamespace();
    IngressAnnotations.Parsed ann = IngressAnnotations.parse(ing.getMetadata().getAnnotations());
    report.warnings.addAll(ann.warnings());
    report.errors.addAll(ann.errors());
    var spec = ing.getSpec();
    List<IngressRule> rules = spec == null || spec.getRules() == null ? List.of() : spec.getRules();
    // Validate everything first: an invalid Ingress is left out whole, never half-programmed.
    List<String> ruleHosts = new ArrayList<>();
    for (IngressRule rule : rules) {
      ruleHosts.add(
          report.checked(() -> rule.getHost() == null ? "" : Values.host(rule.getHost())));
      if (rule.getHttp() != null && rule.getHttp().getPaths() != null) {
        for (HTTPIngressPath p : rule.getHttp().getPaths()) {
          report.checked(() -> ingressPath(p));
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
    Set<String> tlsHosts = tls(report, ns, spec.getTls());
    PolicySpec policy = ann.policy();
    Policy proto = policies.policy(report, ns, policy);
    String base = ns + "/Ingress/" + ing.getMetadata().getName();
    for (int i = 0; i < rules.size(); i++) {
      IngressRule rule = rules.get(i);
      String host = ruleHosts.get(i);
      String vhost = host.isEmpty() ? HostClaims.DEFAULT_HOST : host;
      claims.host(vhost);
      if (rule.getHttp() == null || rule.getHttp().getPaths() == null) {
        continue;
      }
      boolean httpsRedirect =
          ann.forceSslRedirect()
              || (Boolean.TRUE.equals(policy.sslRedirect()) && coveredBy(host, tlsHosts));
      List<HTTPIngressPath> paths = rule.getHttp().getPaths();
      for (int j = 0; j < paths.size(); j++) {
        HTTPIngressPath p = paths.get(j);
        Route.Builder r =
            Route.newBuilder()
                .setId(base + "/" + i + "/" + j)
                .setPath(ingressPath(p))
                .setPolicy(proto)
                .setHttpsRedirect(httpsRedirect);
        if (policy.redirectUrl() != null) {
          r.setRedirect(Redirect.newBuilder().setUrlPrefix(policy.redirectUrl()));
        } else {
          backend(report, ns, p.getBackend(), policy.protocol(), r);
        }
        claims.claim(report, vhost, r);
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

  static PathMatch ingressPath(HTTPIngressPath p) {
    String type = p.getPathType() == null ? "ImplementationSpecific" : p.getPathType();
    String value = p.getPath() == null || p.getPath().isEmpty() ? "/" : p.getPath();
    return switch (type) {
      case "Exact" ->
          PathMatch.newBuilder().setType(PathMatch.Type.EXACT).setValue(Values.path(value)).build();
      case "Prefix", "ImplementationSpecific" ->
          PathMatch.newBuilder()
              .setType(PathMatch.Type.PREFIX)
              .setValue(Values.prefix(Values.path(value)))
              .build();
      default ->
          throw new IllegalArgumentException(
              "pathType '" + type + "' is not Exact, Prefix or ImplementationSpecific");
    };
  }

  private void backend(
      ObjectReport report, String ns, IngressBackend b, String protocol, Route.Builder r) {
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
        clusters.cluster(
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
