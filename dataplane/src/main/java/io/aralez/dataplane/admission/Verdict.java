package io.aralez.dataplane.admission;

import io.aralez.dataplane.config.ProxyConfig;
import io.aralez.dataplane.config.ProxyConfig.StickySessions;
import io.aralez.dataplane.policy.AuthDecision;
import io.aralez.dataplane.routing.RouteEntry;
import java.util.List;
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
   * @param uri the origin-form target to send (a consumed token removed, or rewritten)
   * @param stickyId the backend id the client's sticky cookie named, or null
   * @param edits what the route's rules change on the way, {@link Edits#NONE} mostly
   */
  record Forward(
      RouteEntry entry, int index, StickySessions sticky, String stickyId, String uri, Edits edits)
      implements Verdict {
    public Forward(
        RouteEntry entry, int index, StickySessions sticky, String stickyId, String uri) {
      this(entry, index, sticky, stickyId, uri, Edits.NONE);
    }

    /** The request body's limit (413 when exceeded while streaming), or -1: the route's. */
    public long maxBodyBytes() {
      return entry.route().rules().maxBodyBytes();
    }

    /** The Host header to send upstream instead of the client's, or null: the route's. */
    public String upstreamHost() {
      return entry.route().rules().upstreamHost();
    }
  }

  /**
   * Per-request changes decided by admission steps (the route's static headers are applied
   * elsewhere).
   *
   * @param requestHeaders set on the upstream request
   * @param responseHeaders set on the response to the client, replacing the upstream's
   */
  record Edits(List<ProxyConfig.Header> requestHeaders, List<ProxyConfig.Header> responseHeaders) {
    public static final Edits NONE = new Edits(List.of(), List.of());

    public Edits {
      requestHeaders = List.copyOf(requestHeaders);
      responseHeaders = List.copyOf(responseHeaders);
    }
  }

  /**
   * Forward once a decision taken off the request path allows it.
   *
   * @param decision {@link AuthDecision.Pending} (bcrypt on its pool) or {@link
   *     AuthDecision.Forward} (ask the forward-auth server)
   */
  record Callout(Forward forward, AuthDecision decision) implements Verdict {}
}
