package io.aralez.acme;

/**
 * Where HTTP-01 answers are published: an in-memory map the proxy reads out of the cluster; the
 * route snapshot every data plane receives in it. {@link #publish} returns once the answer is
 * served, so the CA may be told to look.
 */
public interface Challenges {
  /**
   * Serves {@code keyAuthorization} at {@code /.well-known/acme-challenge/<token>}.
   *
   * @throws InterruptedException while waiting for the answer to reach the proxies
   * @throws java.io.IOException when it could not be published in time
   */
  void publish(String token, String keyAuthorization)
      throws InterruptedException, java.io.IOException;

  /** Stops serving {@code token}; only this order's tokens, never another's. */
  void withdraw(String token);
}
