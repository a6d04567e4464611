package io.aralez.dataplane.tls;

import io.aralez.dataplane.config.ProxyConfig;
import java.util.Set;
import java.util.TreeSet;

/** The hosts of a config with a route that checks client certificates (auth-tls). Pure. */
public final class ClientAuthHosts {
  private ClientAuthHosts() {}

  public static Set<String> of(ProxyConfig config) {
    Set<String> hosts = new TreeSet<>();
    for (ProxyConfig.VirtualHost vh : config.hosts()) {
      for (ProxyConfig.Route r : vh.routes()) {
        var auth = r.rules().clientAuth();
        if (auth != null && !auth.mode().equals("off")) {
          hosts.add(vh.name());
        }
      }
    }
    return hosts;
  }
}
