package io.aralez.dataplane.admission;

import io.aralez.dataplane.config.ProxyConfig.StickySessions;
import io.aralez.dataplane.policy.AuthDecision;
import io.aralez.dataplane.routing.RouteEntry;
import java.util.Map;

/** What admission decided for one request: answer here, forward, or ask first and then forward. */
public sealed interface Verdict {
  /**
   * Answer without an upstream.
   *
   * @param headers added to the answer (Location, Retry-After, WWW-Authenticate)
   * @param body the body, or null for the status line's text
   */
  record Local(int status, Map<String, String> headers, String body) implements Verdict {
    public Local {
      headers = Map.copyOf(headers);
    }

    public static Local of(int status) {
      return new Local(status, Map.of(), null);
    }

    public static Local of(int status, String header, String value) {
      return new Local(status, Map.of(header, value), null);
    }
  }

  /**
   * Send the request to backend {@code index} of {@code entry}.
   *
   * @param uri the origin-form target to send (a consumed token removed)
   * @param stickyId the backend id the client's sticky cookie named, or null
   */
  record Forward(RouteEntry entry, int index, StickySessions sticky, String stickyId, String uri)
      implements Verdict {}

  /**
   * Forward once a decision taken off the request path allows it.
   *
   * @param decision {@link AuthDecision.Pending} (bcrypt on its pool) or {@link
   *     AuthDecision.Forward} (ask the forward-auth server)
   */
  record Callout(Forward forward, AuthDecision decision) implements Verdict {}
}
