package io.aralez.dataplane.server;

import io.aralez.dataplane.config.ProxyConfig.Passthrough;
import io.aralez.dataplane.metrics.ProxyMetrics;
import io.aralez.dataplane.runtime.ConfigHolder;
import io.aralez.dataplane.upstream.UpstreamConnector;
import io.netty.channel.ChannelHandler;
import java.time.Duration;

/**
 * What the TLS listener needs for ssl-passthrough: the hosts of the current config, and how to
 * relay a connection to one of their backends.
 *
 * @param connectTimeout per backend tried
 * @param idle a relay with no traffic either way for this long is closed (as a WebSocket tunnel)
 */
record SniRelays(
    ConfigHolder holder,
    UpstreamConnector connector,
    Duration connectTimeout,
    Duration idle,
    ProxyMetrics metrics) {

  /** The passthrough of {@code host} in the config now, or null when its TLS ends here. */
  Passthrough target(String host) {
    return holder.current().passthrough().get(host);
  }

  ChannelHandler relay(Passthrough target) {
    return new PassthroughRelay(target, this);
  }
}
