package io.aralez.dataplane.admission;

import io.aralez.dataplane.config.ProxyConfig.Route;
import io.aralez.dataplane.policy.AuthDecision;
import io.aralez.dataplane.request.RequestHead;
import io.aralez.dataplane.request.RequestTarget;
import io.aralez.dataplane.routing.RouteEntry;
import io.aralez.dataplane.runtime.ActiveConfig;

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
