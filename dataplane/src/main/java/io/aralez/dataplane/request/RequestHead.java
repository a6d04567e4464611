package io.aralez.dataplane.request;

import java.util.List;

/**
 * What routing and admission may read of a request head, whichever decoder produced it. Keeping the
 * decisions on this view (and not on a codec's objects) is what lets them be tested without a
 * channel and lets a different parser feed them.
 */
public interface RequestHead {
  /** The method token as received, e.g. {@code GET}. */
  String method();

  /** The request target as received (origin, absolute or asterisk form). */
  String uri();

  /** Whether the request line said HTTP/1.1 (HTTP/2 requests count as 1.1). */
  boolean http11();

  /** The first value of a header (name case-insensitive), or null. */
  String header(String name);

  /** Every value of a header, in order; empty when absent. */
  List<String> headers(String name);

  /** The certificates the client presented in its TLS handshake ({@link PeerCertificates#NONE}). */
  default PeerCertificates clientCertificates() {
    return PeerCertificates.NONE;
  }
}
