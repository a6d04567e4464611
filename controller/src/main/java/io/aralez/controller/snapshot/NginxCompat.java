package io.aralez.controller.snapshot;

import io.aralez.controller.snapshot.nginx.NginxAnnotations;
import io.aralez.controller.snapshot.nginx.NginxDefaults;
import io.aralez.controller.snapshot.nginx.NginxResult;
import io.aralez.controller.snapshot.nginx.NginxResult.KeyOutcome;
import io.aralez.controller.snapshot.nginx.NginxResult.Outcome;
import io.aralez.controller.snapshot.nginx.NginxSettings;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Processor: the snapshot side of ingress-nginx compatibility. Reads an Ingress's {@code
 * nginx.ingress.kubernetes.io/*} annotations (with the ConfigMap's defaults when the Ingress came
 * through an ingress-nginx class), records the Events that report each one, and turns the result
 * into the same {@link PolicySpec} the {@code aralez.io/*} annotations give.
 *
 * @param tlsHosts every host named in the {@code tls} of a served Ingress: ingress-nginx redirects
 *     a host to HTTPS when any Ingress gives it a certificate
 * @param ruleHosts every host a served Ingress has a rule for: a server-alias never takes one
 */
record NginxCompat(
    NginxSettings settings,
    NginxDefaults defaults,
    Set<String> tlsHosts,
    Set<String> ruleHosts,
    boolean globalDefaultBackend) {
  static final NginxCompat OFF =
      new NginxCompat(NginxSettings.OFF, NginxDefaults.INGRESS_NGINX, Set.of(), Set.of(), false);

  static NginxCompat of(BuilderSettings s, ClusterState state, List<Ingress> served) {
    if (!s.nginx().enabled()) {
      return OFF;
    }
    Set<String> tls = new TreeSet<>();
    Set<String> hosts = new TreeSet<>();
    for (Ingress ing : served) {
      if (ing.getSpec() != null && ing.getSpec().getRules() != null) {
        for (var rule : ing.getSpec().getRules()) {
          if (rule.getHost() != null) {
            hosts.add(rule.getHost().toLowerCase(java.util.Locale.ROOT));
          }
        }
      }
      if (ing.getSpec() == null || ing.getSpec().getTls() == null) {
        continue;
      }
      for (IngressTLS t : ing.getSpec().getTls()) {
        for (String h : t.getHosts() == null ? List.<String>of() : t.getHosts()) {
          tls.add(h.toLowerCase(java.util.Locale.ROOT));
        }
      }
    }
    return new NginxCompat(
        s.nginx(),
        NginxDefaults.of(state.nginxConfig()),
        tls,
        hosts,
        s.defaultBackendService() != null);
  }

  /**
   * The annotations of {@code ing} read and reported, or null when compat mode is off. A refused
   * Ingress is marked not accepted.
   */
  NginxResult read(Ingress ing, ClassFilter.Flavour flavour, ObjectReport report) {
    if (!settings.enabled()) {
      return null;
    }
    NginxResult r =
        NginxAnnotations.parse(
            ing.getMetadata().getAnnotations(),
            settings,
            ing.getMetadata().getNamespace(),
            flavour == ClassFilter.Flavour.NGINX ? defaults : null,
            globalDefaultBackend);
    report(r, report);
    if (r.refused()) {
      report.accepted = false;
    }
    return r;
  }

  private static void report(NginxResult r, ObjectReport report) {
    if (r.keys().isEmpty()) {
      return;
    }
    for (KeyOutcome k : r.keys()) {
      report.annotationOutcomes.merge(
          k.outcome().name().toLowerCase(java.util.Locale.ROOT), 1, Integer::sum);
    }
    List<String> refused = new ArrayList<>();
    List<String> invalid = new ArrayList<>();
    List<String> denied = new ArrayList<>();
    for (KeyOutcome k : r.keys()) {
      String line = k.key() + ": " + k.message();
      switch (k.outcome()) {
        case REFUSED -> refused.add(line);
        case INVALID -> (k.message().contains("answers 503") ? denied : invalid).add(line);
        default -> {}
      }
    }
    if (!refused.isEmpty()) {
      report.events.add(
          new ObjectStatus.Event(
              true,
              "NginxAnnotationRefused",
              "the Ingress is not served: " + String.join("; ", refused)));
    }
    if (!denied.isEmpty()) {
      // ingress-nginx's own reason, so existing alerts keep working.
      report.events.add(
          new ObjectStatus.Event(true, "AnnotationParsingFailed", String.join("; ", denied)));
    }
    if (!invalid.isEmpty()) {
      report.events.add(
          new ObjectStatus.Event(true, "NginxAnnotationInvalid", String.join("; ", invalid)));
    }
    List<String> unknown = r.with(Outcome.UNKNOWN);
    if (!unknown.isEmpty()) {
      report.events.add(
          new ObjectStatus.Event(
              true,
              "NginxAnnotationUnknown",
              "unknown annotations ignored: " + String.join(", ", unknown)));
    }
    List<String> ignored = new ArrayList<>();
    for (KeyOutcome k : r.keys()) {
      if (k.outcome() == Outcome.IGNORED) {
        // With the reason: "needs --enable-ssl-passthrough" tells the operator what to do.
        ignored.add(k.key() + " (" + k.message() + ")");
      }
    }
    if (!ignored.isEmpty()) {
      report.events.add(
          new ObjectStatus.Event(
              true, "NginxAnnotationIgnored", "not applied: " + String.join("; ", ignored)));
    }
    List<String> partial = new ArrayList<>();
    for (KeyOutcome k : r.keys()) {
      if (k.outcome() == Outcome.PARTIAL) {
        partial.add(k.key() + " (" + k.message() + ")");
      }
    }
    if (!partial.isEmpty()) {
      report.events.add(
          new ObjectStatus.Event(false, "NginxAnnotationApproximated", String.join("; ", partial)));
    }
    report.events.add(
        new ObjectStatus.Event(
            false,
            "NginxAnnotationsTranslated",
            "honoured "
                + r.with(Outcome.HONOURED).size()
                + ", partially "
                + partial.size()
                + ", ignored "
                + (ignored.size() + unknown.size() + invalid.size() + denied.size())
                + ", refused "
                + refused.size()));
  }

  /** The policy fields the annotations set (null where they set nothing). */
  static PolicySpec policy(NginxResult r) {
    return new PolicySpec(
        r.rateLimitRps(),
        null,
        r.authType(),
        r.authSecret(),
        r.authUrl(),
        null,
        null,
        r.stickyMaxAge(),
        null,
        r.protocol(),
        r.sslRedirect(),
        r.httpRedirectCode(),
        null,
        null,
        r.connectTimeoutMs(),
        r.readTimeoutMs(),
        r.connectAttempts(),
        null);
  }
}
