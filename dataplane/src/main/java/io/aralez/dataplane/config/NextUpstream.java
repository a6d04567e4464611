package io.aralez.dataplane.config;

import java.time.Duration;
import java.util.Set;

/**
 * Which failures after a request went out send it to another backend (ingress-nginx's
 * proxy-next-upstream). Failed connects are always retried within the route's attempts; these are
 * the failures once the request was sent. A request is only ever sent again while no response byte
 * reached the client and none of its body was sent (bodies stream, so they cannot be replayed).
 *
 * @param statuses upstream statuses answered by another backend instead
 * @param timeout no response within the read timeout
 * @param error the connection failed before a response
 * @param nonIdempotent POST, LOCK and PATCH are sent again too
 * @param within no new attempt after this much time since the first, or null for no limit
 */
public record NextUpstream(
    Set<Integer> statuses, boolean timeout, boolean error, boolean nonIdempotent, Duration within) {
  public NextUpstream {
    statuses = Set.copyOf(statuses);
  }

  /** Whether a request with {@code method} may be sent again at all. */
  public boolean allows(String method) {
    return nonIdempotent
        || !(method.equals("POST") || method.equals("LOCK") || method.equals("PATCH"));
  }
}
