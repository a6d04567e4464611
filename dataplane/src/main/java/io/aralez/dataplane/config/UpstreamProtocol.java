package io.aralez.dataplane.config;

/** How to speak to a backend. */
public enum UpstreamProtocol {
  /** Plain HTTP/1.1. */
  HTTP,
  /** HTTP/1.1 over TLS. */
  HTTPS,
  /** HTTP/2 over TLS (negotiated by ALPN). */
  H2,
  /** HTTP/2 over plain TCP with prior knowledge. */
  H2C;

  public boolean tls() {
    return this == HTTPS || this == H2;
  }

  public boolean http2() {
    return this == H2 || this == H2C;
  }
}
