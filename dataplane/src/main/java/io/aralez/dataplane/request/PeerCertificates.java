package io.aralez.dataplane.request;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The certificate chain a client presented in its TLS handshake (own certificate first), read once
 * per connection, with the outcome of each check made of it: a connection's requests are verified
 * once per set of rules, not once per request.
 */
public final class PeerCertificates {
  public static final PeerCertificates NONE = new PeerCertificates(List.of());

  /** Different rules on one connection are few; past this, outcomes are not kept. */
  private static final int MAX_OUTCOMES = 16;

  private final List<X509Certificate> chain;
  private final ConcurrentHashMap<Object, String> outcomes = new ConcurrentHashMap<>(2);

  public PeerCertificates(List<X509Certificate> chain) {
    this.chain = List.copyOf(chain);
  }

  public List<X509Certificate> chain() {
    return chain;
  }

  /** The outcome of checking this chain against {@code rules}, computed once. */
  public String outcome(Object rules, Supplier<String> check) {
    String known = outcomes.get(rules);
    if (known != null) {
      return known;
    }
    String result = check.get();
    if (outcomes.size() < MAX_OUTCOMES) {
      outcomes.put(rules, result);
    }
    return result;
  }
}
