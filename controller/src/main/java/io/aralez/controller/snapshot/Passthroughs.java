package io.aralez.controller.snapshot;

import io.aralez.api.v1.Passthrough;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Processor: ssl-passthrough. Each rule host of an Ingress that asks for it gets its TLS relayed by
 * SNI, undecrypted, to the backend of the rule's {@code /} path (ingress-nginx's root location),
 * else the Ingress's defaultBackend. A host is taken by the oldest Ingress asking for it; SNI is
 * compared exactly, so wildcard and empty hosts cannot be passed through.
 */
final class Passthroughs {
  private final Clusters clusters;
  private final SortedMap<String, String> hosts = new TreeMap<>();

  Passthroughs(Clusters clusters) {
    this.clusters = clusters;
  }

  /**
   * @param ruleHosts the checked host of each rule ("" for none), in the order of the rules
   */
  void add(ObjectReport report, Ingress ing, List<String> ruleHosts) {
    String ns = ing.getMetadata().getNamespace();
    var spec = ing.getSpec();
    List<IngressRule> rules = spec.getRules() == null ? List.of() : spec.getRules();
    for (int i = 0; i < rules.size(); i++) {
      String host = ruleHosts.get(i);
      if (host.isEmpty() || host.startsWith("*.")) {
        report.warnings.add(
            "ssl-passthrough needs an exact host (SNI is compared exactly): rule "
                + (host.isEmpty() ? "without host" : host)
                + " is not passed through");
        continue;
      }
      if (hosts.containsKey(host)) {
        report.warnings.add(
            "ssl-passthrough for " + host + " ignored: an older Ingress passes it through");
        continue;
      }
      IngressBackend b = root(rules.get(i));
      if (b == null) {
        b = spec.getDefaultBackend();
      }
      if (b == null || b.getService() == null) {
        report.warnings.add(
            "ssl-passthrough for " + host + " ignored: no Service backs its / path");
        continue;
      }
      String cluster = clusters.cluster(report, ns, b.getService(), null, false);
      if (cluster != null) {
        hosts.put(host, cluster);
      }
    }
  }

  private static IngressBackend root(IngressRule rule) {
    if (rule.getHttp() == null || rule.getHttp().getPaths() == null) {
      return null;
    }
    for (HTTPIngressPath p : rule.getHttp().getPaths()) {
      String path = p.getPath() == null || p.getPath().isEmpty() ? "/" : p.getPath();
      if (path.equals("/")) {
        return p.getBackend();
      }
    }
    return null;
  }

  /** The passed-through hosts, sorted. */
  List<Passthrough> build() {
    List<Passthrough> out = new ArrayList<>(hosts.size());
    hosts.forEach((h, c) -> out.add(Passthrough.newBuilder().setHost(h).setCluster(c).build()));
    return out;
  }
}
