package io.aralez.dataplane.source.discovery;

import io.aralez.dataplane.config.ProxyConfig.Header;
import java.util.List;

/**
 * One discovered service routed as a path of a virtual host: written in upstreams.yaml ({@code
 * consul.services[]}, {@code kubernetes.services[]}) or read from Consul tags. Unset policies
 * (null) inherit upstreams.yaml's globals.
 *
 * @param host the virtual host, normalised
 * @param path the normalised path prefix
 * @param service the Consul service or Kubernetes Service whose instances are the backends
 * @param where where it was written, for messages
 */
public record ServiceSpec(
    String host,
    String path,
    String service,
    List<Header> serverHeaders,
    List<Header> clientHeaders,
    Long rateLimit,
    Long x4xxLimit,
    Boolean toHttps,
    String redirectTo,
    String where) {
  public ServiceSpec {
    serverHeaders = List.copyOf(serverHeaders);
    clientHeaders = List.copyOf(clientHeaders);
  }

  /** host + path: two specs with the same key would route the same requests. */
  public String key() {
    return host + path;
  }
}
