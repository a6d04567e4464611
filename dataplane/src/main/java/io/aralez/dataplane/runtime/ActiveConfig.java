package io.aralez.dataplane.runtime;

import io.aralez.dataplane.config.ProxyConfig;
import io.aralez.dataplane.routing.Router;
import io.aralez.dataplane.routing.StickyIds;
import io.aralez.dataplane.upstream.BackendRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A validated config together with its compiled lookup structures; what a request reads once.
 *
 * @param passthrough the ssl-passthrough hosts by name, read by the TLS listener per connection
 */
public record ActiveConfig(
    ProxyConfig config, Router router, Map<String, ProxyConfig.Passthrough> passthrough) {

  public static ActiveConfig compile(
      ProxyConfig config, BackendRegistry backends, byte[] stickyKey) {
    Map<String, ProxyConfig.Passthrough> passthrough = new HashMap<>();
    for (ProxyConfig.Passthrough p : config.passthrough()) {
      passthrough.put(p.host(), p);
    }
    return new ActiveConfig(
        config, Router.compile(config, backends::get, stickyKey), Map.copyOf(passthrough));
  }

  /** What serves before any config was loaded: every request gets 404. */
  public static ActiveConfig empty() {
    ProxyConfig none = new ProxyConfig("none", "0", ProxyConfig.StickySessions.OFF, List.of());
    return compile(none, new BackendRegistry(), StickyIds.DEFAULT_KEY);
  }
}
