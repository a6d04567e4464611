package io.aralez.dataplane.proxy;

import io.aralez.dataplane.admission.Verdict;
import io.aralez.dataplane.policy.ConcurrencyLimiter;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Everything decided about one request before it goes upstream, fixed for its whole exchange.
 *
 * @param forward admission's verdict: route, backend, edits
 * @param traits what the client's request is (HTTP/1.1 or 2, keep-alive, upgrade, gRPC...)
 * @param sni the TLS server name for TLS backends (the request's host), or null
 * @param head the head to send upstream
 * @param errorPage what the error backend needs when the route replaces upstream errors, or null
 * @param permit the place admission gave the request under limit-connections, or null
 * @param mirror the copy of the request waiting for its body (mirror-request-body), or null
 */
record Outbound(
    Verdict.Forward forward,
    ClientTraits traits,
    String sni,
    HttpRequest head,
    ErrorPage errorPage,
    ConcurrencyLimiter.Permit permit,
    MirrorCall mirror) {}
