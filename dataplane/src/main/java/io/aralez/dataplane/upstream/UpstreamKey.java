package io.aralez.dataplane.upstream;

import io.aralez.dataplane.config.HostPort;
import io.aralez.dataplane.config.ProxyConfig;
import io.aralez.dataplane.config.UpstreamProtocol;
import io.aralez.dataplane.config.UpstreamTlsSpec;
import java.util.Objects;

/**
 * Where an exchange goes: a backend, how to speak to it, and the TLS server name; the key of {@link
 * UpstreamPool}. A class rather than a record only to compute its hash once: a record's generated
 * hash walked every component (and the TLS spec's) at each pool lookup, taking a connection and
 * giving it back (1.6-2% of the HTTP/2 profile's samples, bench/README.md). Keys to plain backends
 * are made once per address and protocol ({@link BackendState}), not per request.
 */
public final class UpstreamKey {
  private final HostPort address;
  private final UpstreamProtocol protocol;
  private final String sni;
  private final boolean verified;
  private final UpstreamTlsSpec tls;
  private final int hash;

  public UpstreamKey(
      HostPort address,
      UpstreamProtocol protocol,
      String sni,
      boolean verified,
      UpstreamTlsSpec tls) {
    this.address = address;
    this.protocol = protocol;
    this.sni = sni;
    this.verified = verified;
    this.tls = tls;
    this.hash =
        31
                * (31
                        * (31 * (31 * Objects.hashCode(address) + Objects.hashCode(protocol))
                            + Objects.hashCode(sni))
                    + Boolean.hashCode(verified))
            + Objects.hashCode(tls);
  }

  public HostPort address() {
    return address;
  }

  public UpstreamProtocol protocol() {
    return protocol;
  }

  public String sni() {
    return sni;
  }

  public boolean verified() {
    return verified;
  }

  public UpstreamTlsSpec tls() {
    return tls;
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public boolean equals(Object o) {
    return o == this
        || o instanceof UpstreamKey k
            && hash == k.hash
            && verified == k.verified
            && protocol == k.protocol
            && Objects.equals(address, k.address)
            && Objects.equals(sni, k.sni)
            && Objects.equals(tls, k.tls);
  }

  @Override
  public String toString() {
    return "UpstreamKey["
        + address
        + ", "
        + protocol
        + ", sni="
        + sni
        + ", verified="
        + verified
        + "]";
  }

  public UpstreamKey(HostPort address, UpstreamProtocol protocol, String sni) {
    this(address, protocol, sni, false, null);
  }

  public UpstreamKey(HostPort address, UpstreamProtocol protocol, String sni, boolean verified) {
    this(address, protocol, sni, verified, null);
  }

  /**
   * How to reach a backend of {@code route}: the route's explicit protocol, else what detection
   * found (health-checked routes), else plain HTTP/1.1 as the original does.
   *
   * @param grpc the request is gRPC: a plain backend that also speaks h2c gets it by prior
   *     knowledge
   * @param upgrade the request asks for a WebSocket upgrade, which needs HTTP/1.1
   * @param sni the request's host, sent as the TLS server name to TLS backends
   */
  public static UpstreamKey choose(
      ProxyConfig.Route route,
      BackendState state,
      HostPort address,
      boolean grpc,
      boolean upgrade,
      String sni) {
    UpstreamProtocol p = route.protocol();
    if (p == null) {
      p =
          route.healthcheck() && state.detected() != null
              ? state.detected()
              : UpstreamProtocol.HTTP;
      if (p == UpstreamProtocol.HTTP && grpc && !upgrade) {
        p = UpstreamProtocol.H2C;
      }
    }
    if (upgrade && p.http2()) {
      p = p.tls() ? UpstreamProtocol.HTTPS : UpstreamProtocol.HTTP;
    }
    if (!p.tls() && address.equals(state.address())) {
      return state.plainKey(p);
    }
    var spec = p.tls() ? route.upstream().tls() : null;
    return new UpstreamKey(
        address, p, spec != null ? spec.sni(sni) : p.tls() ? sni : null, false, spec);
  }
}
