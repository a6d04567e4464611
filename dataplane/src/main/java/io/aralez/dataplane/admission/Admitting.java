package io.aralez.dataplane.admission;

import io.aralez.dataplane.config.ProxyConfig;
import io.aralez.dataplane.config.ProxyConfig.Route;
import io.aralez.dataplane.policy.AuthDecision;
import io.aralez.dataplane.request.RequestHead;
import io.aralez.dataplane.request.RequestTarget;
import io.aralez.dataplane.routing.RouteEntry;
import io.aralez.dataplane.runtime.ActiveConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One request on its way through the admission steps: what they read, and the few things they
 * decide for the steps after them. Lives for one {@link RequestAdmission#admit} call.
 */
final class Admitting {
  final ActiveConfig config;
  final RequestHead head;
  final RequestTarget target;
  final RouteEntry entry;
  final RequestFacts facts;

  /** The target to send upstream; an auth step may remove a consumed token from it. */
  String uri;

  /** A decision still to be taken off the request path, or null. */
  AuthDecision callout;

  /** The chosen backend, or -1. */
  int index = -1;

  /** The backend id the client's sticky cookie named, or null. */
  String stickyId;

  /** The affinity as this client gets it when it differs from the route's, or null. */
  io.aralez.dataplane.config.ProxyConfig.StickySessions sticky;

  /**
   * Whether the route's source lists let the client in: null when the route has none. With
   * satisfy-any, a refusal waits for the auth step instead of answering 403.
   */
  Boolean sourceAdmitted;

  /** The concurrency permit this request holds, or null. */
  io.aralez.dataplane.policy.ConcurrencyLimiter.Permit permit;

  /** Headers steps add to the response (CORS, HSTS), also to a local answer; null until one. */
  List<ProxyConfig.Header> responseHeaders;

  /** Headers steps set on the upstream request; null until one. */
  List<ProxyConfig.Header> requestHeaders;

  void addResponseHeader(String name, String value) {
    if (responseHeaders == null) {
      responseHeaders = new ArrayList<>(4);
    }
    responseHeaders.add(new ProxyConfig.Header(name, value));
  }

  void addRequestHeader(String name, String value) {
    if (requestHeaders == null) {
      requestHeaders = new ArrayList<>(2);
    }
    requestHeaders.add(new ProxyConfig.Header(name, value));
  }

  /** What the steps changed, for the exchange. */
  Verdict.Edits edits() {
    if (responseHeaders == null && requestHeaders == null) {
      return Verdict.Edits.NONE;
    }
    return new Verdict.Edits(
        requestHeaders == null ? List.of() : requestHeaders,
        responseHeaders == null ? List.of() : responseHeaders);
  }

  /** {@code answer} with the headers steps asked every response to carry (CORS on a 401). */
  Verdict.Local withResponseHeaders(Verdict.Local answer) {
    if (responseHeaders == null) {
      return answer;
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (ProxyConfig.Header h : responseHeaders) {
      headers.put(h.name(), h.value());
    }
    headers.putAll(answer.headers());
    return new Verdict.Local(answer.status(), headers, answer.body());
  }

  Admitting(
      ActiveConfig config,
      RequestHead head,
      RequestTarget target,
      RouteEntry entry,
      RequestFacts facts) {
    this.config = config;
    this.head = head;
    this.target = target;
    this.entry = entry;
    this.facts = facts;
    this.uri = target.uri();
  }

  Route route() {
    return entry.route();
  }
}
