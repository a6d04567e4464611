package io.aralez.dataplane.source.discovery;

import io.aralez.dataplane.config.HostPort;
import io.aralez.dataplane.config.ProxyConfig;
import io.aralez.dataplane.config.ProxyConfig.Backend;
import io.aralez.dataplane.config.ProxyConfig.Route;
import io.aralez.dataplane.config.ProxyConfig.VirtualHost;
import io.aralez.dataplane.source.file.PolicyFields;
import io.aralez.dataplane.source.file.UpstreamsDocument;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The config of a discovery provider: upstreams.yaml's own hosts, then one route per service, whose
 * backends are the instances discovery found and whose policies are the service's own or else the
 * file's globals. Pure.
 */
public final class DiscoveryComposer {
  private DiscoveryComposer() {}

  /**
   * @param listed the services written in upstreams.yaml; they win over tagged ones for the same
   *     host and path, and the file's own hosts win over both
   * @param warnings receives one line per service left out
   */
  public static ProxyConfig compose(
      UpstreamsDocument doc,
      List<ServiceSpec> listed,
      Found found,
      String source,
      List<String> warnings) {
    Map<String, List<Route>> hosts = new LinkedHashMap<>();
    java.util.Set<String> taken = new java.util.HashSet<>();
    for (VirtualHost vh : doc.hosts().hosts()) {
      hosts.put(vh.name(), new ArrayList<>(vh.routes()));
      vh.routes().forEach(r -> taken.add(r.id()));
    }
    List<ServiceSpec> all = new ArrayList<>(listed);
    all.addAll(found.tagged());
    UpstreamsDocument.Globals g = doc.globals();
    for (ServiceSpec s : all) {
      if (s.host() == null || s.path() == null || s.service() == null) {
        continue;
      }
      if (!taken.add(s.host() + s.path())) {
        warnings.add(
            s.where()
                + ": "
                + s.host()
                + s.path()
                + " is routed already; service "
                + s.service()
                + " left out");
        continue;
      }
      List<Backend> backends = new ArrayList<>();
      for (HostPort hp : found.instances().getOrDefault(s.service(), List.of())) {
        backends.add(new Backend(hp));
      }
      hosts
          .computeIfAbsent(s.host(), h -> new ArrayList<>())
          .add(
              new Route(
                  s.host(),
                  s.path(),
                  backends,
                  true,
                  s.toHttps() != null ? s.toHttps() : g.toHttps(),
                  s.redirectTo(),
                  s.rateLimit() != null ? s.rateLimit() : g.rateLimit(),
                  s.x4xxLimit() != null ? s.x4xxLimit() : g.x4xxLimit(),
                  PolicyFields.merge(g.serverHeaders(), s.serverHeaders()),
                  PolicyFields.merge(g.clientHeaders(), s.clientHeaders()),
                  g.auth(),
                  null));
    }
    List<VirtualHost> out = new ArrayList<>();
    hosts.forEach((name, routes) -> out.add(new VirtualHost(name, routes)));
    return new ProxyConfig(source, version(doc, found), g.sticky(), out);
  }

  /** The file's version and a hash of what discovery found: equal inputs, equal versions. */
  static String version(UpstreamsDocument doc, Found found) {
    MessageDigest d = sha256();
    new java.util.TreeMap<>(found.instances())
        .forEach(
            (name, list) -> {
              d.update(name.getBytes(StandardCharsets.UTF_8));
              list.forEach(hp -> d.update((";" + hp).getBytes(StandardCharsets.UTF_8)));
              d.update((byte) 0);
            });
    found.tagged().forEach(s -> d.update(s.toString().getBytes(StandardCharsets.UTF_8)));
    return doc.version() + "+" + HexFormat.of().formatHex(d.digest(), 0, 6);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
