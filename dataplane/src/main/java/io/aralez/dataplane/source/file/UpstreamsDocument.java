package io.aralez.dataplane.source.file;

import io.aralez.dataplane.config.ProxyConfig;
import io.aralez.dataplane.config.ProxyConfig.AuthPolicy;
import io.aralez.dataplane.config.ProxyConfig.Header;
import io.aralez.dataplane.config.ProxyConfig.StickySessions;
import io.aralez.dataplane.source.ProviderSettings;
import java.util.List;

/**
 * One parsed upstreams.yaml (with conf.d): the hosts it writes out, the global policies routes
 * inherit, and the provider that may add routes and backends.
 *
 * @param hosts the file's own hosts, policies resolved (the whole config with provider: file)
 */
public record UpstreamsDocument(ProxyConfig hosts, Globals globals, ProviderSettings provider) {

  /** The file-wide policies, inherited by every route unless it sets its own. */
  public record Globals(
      StickySessions sticky,
      boolean toHttps,
      Long rateLimit,
      Long x4xxLimit,
      List<Header> serverHeaders,
      List<Header> clientHeaders,
      AuthPolicy auth) {
    public Globals {
      serverHeaders = List.copyOf(serverHeaders);
      clientHeaders = List.copyOf(clientHeaders);
    }
  }

  public String version() {
    return hosts.version();
  }
}
