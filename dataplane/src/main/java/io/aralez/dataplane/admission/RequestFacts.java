package io.aralez.dataplane.admission;

/**
 * What the rest of a request's life needs to know of its admission: the labels for metrics and the
 * access log, and the key its 4xx answers count against.
 *
 * @param requestHost the host the request named (normalised, no port), or "-" when it named none or
 *     could not be read
 * @param host the matched route's host key ({@code DEFAULT}, {@code *.suffix}...), or "none"
 * @param route the matched route's path, or "none"
 * @param client the client address, resolved through trusted proxies
 * @param trustedPeer whether the connection's peer is a trusted proxy (its forwarding headers are
 *     kept)
 * @param limitKey the limiter key of this client on this route, or null when the route has no
 *     limits
 * @param x4xxLimit the route's 4xx limit, or null
 * @param accessLogged whether the request goes into the access log (a route may opt out)
 */
public record RequestFacts(
    String requestHost,
    String host,
    String route,
    String client,
    boolean trustedPeer,
    String limitKey,
    Long x4xxLimit,
    boolean accessLogged) {

  /** A request that matched no route. */
  public static RequestFacts unrouted(String peer) {
    return unrouted("-", peer);
  }

  /** A request for {@code requestHost} that matched no route. */
  public static RequestFacts unrouted(String requestHost, String peer) {
    return new RequestFacts(requestHost, "none", "none", peer, false, null, null, true);
  }
}
