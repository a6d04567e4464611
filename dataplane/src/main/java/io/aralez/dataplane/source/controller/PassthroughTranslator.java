package io.aralez.dataplane.source.controller;

import io.aralez.api.v1.Cluster;
import io.aralez.dataplane.config.HostPort;
import io.aralez.dataplane.config.ProxyConfig.Passthrough;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The snapshot's ssl-passthrough hosts: checked with the routes (the cluster must be defined), and
 * given their addresses with each endpoints version. Host names are the validator's to judge.
 */
final class PassthroughTranslator {
  private PassthroughTranslator() {}

  static List<io.aralez.api.v1.Passthrough> compile(
      List<io.aralez.api.v1.Passthrough> list, Map<String, Cluster> clusters, List<String> errors) {
    for (var p : list) {
      if (!clusters.containsKey(p.getCluster())) {
        errors.add(
            "passthrough " + p.getHost() + " names an unknown cluster '" + p.getCluster() + "'");
      }
    }
    return List.copyOf(list);
  }

  static List<Passthrough> bind(
      List<io.aralez.api.v1.Passthrough> list,
      Map<String, List<HostPort>> addresses,
      List<String> errors) {
    List<Passthrough> out = new ArrayList<>(list.size());
    for (var p : list) {
      List<HostPort> eps = addresses.get(p.getCluster());
      if (eps == null) {
        errors.add("cluster " + p.getCluster() + " has no endpoints entry");
      } else {
        // No endpoint yet: the host is still passed through, and its connections are closed.
        out.add(new Passthrough(p.getHost(), eps));
      }
    }
    return out;
  }
}
