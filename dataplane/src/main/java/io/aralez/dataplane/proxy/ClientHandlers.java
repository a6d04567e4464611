package io.aralez.dataplane.proxy;

import io.aralez.dataplane.admission.RequestServices;
import io.aralez.dataplane.config.ProxySettings;
import io.aralez.dataplane.runtime.ConfigHolder;
import io.aralez.dataplane.upstream.UpstreamPool;

/**
 * Makes the handler of each new client connection. What every connection shares — the admission
 * steps and the exchange services in {@link RequestStart}, which hold no per-connection state — is
 * built once per server here, not once per accepted connection.
 */
public final class ClientHandlers {
  private final ProxySettings settings;
  private final RequestServices services;
  private final RequestStart start;

  public ClientHandlers(
      ConfigHolder holder, ProxySettings settings, UpstreamPool pool, RequestServices services) {
    this.settings = settings;
    this.services = services;
    this.start = RequestStart.of(holder, settings, pool, services);
  }

  /** The handler of an HTTP/1.x connection. */
  public ProxyHandler http1() {
    return new ProxyHandler(settings, services, start);
  }

  /** The handler of an HTTP/2 connection, behind its frame codec. */
  public H2Connection http2() {
    return new H2Connection(settings, services, start);
  }
}
