package io.aralez.dataplane.proxy;

import io.aralez.dataplane.admission.RequestFacts;
import io.aralez.dataplane.admission.RequestServices;
import io.aralez.dataplane.config.HostPort;
import io.aralez.dataplane.net.DispatchClock;

/**
 * The client side's state of its current request: when it started, what it asked, and what
 * admission found. Metrics, the 4xx limiter and the access log all read it; it is replaced, never
 * changed, as the request moves on.
 */
record RequestRecord(long started, String method, String uri, RequestFacts facts) {
  /**
   * @param unrouted the client's facts before admission (its connection's, made once)
   */
  static RequestRecord start(String method, String uri, RequestFacts unrouted) {
    return new RequestRecord(DispatchClock.now(), method, uri, unrouted);
  }

  RequestRecord admitted(RequestFacts f) {
    return new RequestRecord(started, method, uri, f);
  }

  long elapsed() {
    return DispatchClock.now() - started;
  }

  /** Counts the answer; a 4xx counts towards {@code x4xx_limit}, our own 429s never do. */
  void count(RequestServices services, int code, boolean http2) {
    services.metrics().request(facts.host(), facts.route(), method, code, http2, elapsed());
    if (facts.x4xxLimit() != null && code >= 400 && code < 500 && code != 429) {
      services.errors().record(facts.limitKey(), facts.x4xxLimit());
    }
  }

  /** One access-log line (written off the event loop, bounded). */
  void log(RequestServices services, int status, long bytes, HostPort upstream) {
    var log = services.accessLog();
    if (log.enabled() && facts.accessLogged()) {
      log.log(
          facts.client(),
          facts.requestHost(),
          facts.host(),
          method,
          uri,
          status,
          bytes,
          elapsed(),
          upstream == null ? null : upstream.toString());
    }
  }
}
