package io.aralez.dataplane.upstream;

import io.aralez.dataplane.config.HostPort;
import io.aralez.dataplane.config.ProxyConfig;
import io.aralez.dataplane.config.ProxyConfig.Backend;
import io.aralez.dataplane.config.ProxyConfig.Route;
import io.aralez.dataplane.config.ProxyConfig.VirtualHost;
import io.aralez.dataplane.config.UpstreamProtocol;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The state of every backend address the current config lists, keyed by address so that it carries
 * over config swaps. Also decides, per address, what the health checker probes: the path and host
 * of the first health-checked route listing it (an address is probed once per interval, however
 * many routes share it).
 */
public final class BackendRegistry {
  /** What to probe for one address. */
  public record ProbeTarget(
      BackendState state, String host, String path, UpstreamProtocol forced) {}

  private final Map<HostPort, BackendState> states = new ConcurrentHashMap<>();
  private volatile List<ProbeTarget> targets = List.of();

  /** Adopts a new config: keeps the state of addresses still listed, drops the others. */
  public synchronized void sync(ProxyConfig config) {
    Map<HostPort, ProbeTarget> probe = new LinkedHashMap<>();
    Map<HostPort, BackendState> next = new HashMap<>();
    for (VirtualHost vh : config.hosts()) {
      for (Route route : vh.routes()) {
        for (Backend b : route.backends()) {
          BackendState s =
              next.computeIfAbsent(b.address(), a -> states.computeIfAbsent(a, BackendState::new));
          if (route.healthcheck() && !probe.containsKey(b.address())) {
            String host =
                vh.name().equals(ProxyConfig.DEFAULT_HOST) || vh.name().startsWith("*.")
                    ? b.address().toString()
                    : vh.name();
            probe.put(b.address(), new ProbeTarget(s, host, route.path(), route.protocol()));
          }
        }
      }
    }
    states.keySet().retainAll(next.keySet());
    targets = List.copyOf(probe.values());
  }

  public BackendState get(HostPort address) {
    return states.computeIfAbsent(address, BackendState::new);
  }

  public List<ProbeTarget> probeTargets() {
    return targets;
  }
}
