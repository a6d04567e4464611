package io.aralez.dataplane.runtime;

import io.aralez.dataplane.config.ProxyConfig;
import io.aralez.dataplane.routing.Router;

/** A validated config together with its compiled lookup structures; what a request reads once. */
public record ActiveConfig(ProxyConfig config, Router router) {

  public static ActiveConfig compile(ProxyConfig config) {
    return new ActiveConfig(config, Router.compile(config));
  }

  /** What serves before any config was loaded: every request gets 404. */
  public static ActiveConfig empty() {
    return compile(
        new ProxyConfig("none", "0", ProxyConfig.StickySessions.OFF, java.util.List.of()));
  }
}
