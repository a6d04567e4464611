package io.aralez.dataplane.runtime;

import io.aralez.dataplane.config.ProxyConfig;
import io.aralez.dataplane.routing.Router;
import io.aralez.dataplane.routing.StickyIds;
import io.aralez.dataplane.upstream.BackendRegistry;
import java.util.List;

/** A validated config together with its compiled lookup structures; what a request reads once. */
public record ActiveConfig(ProxyConfig config, Router router) {

  public static ActiveConfig compile(
      ProxyConfig config, BackendRegistry backends, byte[] stickyKey) {
    return new ActiveConfig(config, Router.compile(config, backends::get, stickyKey));
  }

  /** What serves before any config was loaded: every request gets 404. */
  public static ActiveConfig empty() {
    ProxyConfig none = new ProxyConfig("none", "0", ProxyConfig.StickySessions.OFF, List.of());
    return compile(none, new BackendRegistry(), StickyIds.DEFAULT_KEY);
  }
}
