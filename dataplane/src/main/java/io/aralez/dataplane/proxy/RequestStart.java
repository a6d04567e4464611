package io.aralez.dataplane.proxy;

import io.aralez.dataplane.admission.Admission;
import io.aralez.dataplane.admission.RequestAdmission;
import io.aralez.dataplane.admission.RequestFacts;
import io.aralez.dataplane.admission.Verdict;
import io.aralez.dataplane.config.ProxySettings;
import io.aralez.dataplane.policy.ConcurrencyLimiter;
import io.aralez.dataplane.request.RequestTarget;
import io.aralez.dataplane.runtime.ConfigHolder;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * From a decoded request head to what the client side does with it: refuse it (and close), answer
 * it here, or forward it through a new {@link Exchange}. Reads the config once per request; holds
 * no per-connection state.
 */
final class RequestStart {
  private static final Logger LOG = LoggerFactory.getLogger(RequestStart.class);

  /** What to do with a request. */
  sealed interface Plan {
    RequestFacts facts();

    /** The head cannot be trusted: answer and close the connection. */
    record Refuse(RequestFacts facts, FullHttpResponse response) implements Plan {}

    /** Answer here; the connection may go on. */
    record Answer(RequestFacts facts, FullHttpResponse response) implements Plan {}

    /**
     * Forward; with a callout, only once it allows.
     *
     * @param callout null when the exchange may start at once
     */
    record Forward(RequestFacts facts, Exchange exchange, AuthCallout callout) implements Plan {}
  }

  private final ConfigHolder holder;
  private final ProxySettings settings;
  private final RequestAdmission admission;
  private final Exchange.Services exchanges;

  RequestStart(
      ConfigHolder holder,
      ProxySettings settings,
      RequestAdmission admission,
      Exchange.Services exchanges) {
    this.holder = holder;
    this.settings = settings;
    this.admission = admission;
    this.exchanges = exchanges;
  }

  static RequestStart of(
      ConfigHolder holder,
      ProxySettings settings,
      io.aralez.dataplane.upstream.UpstreamPool pool,
      io.aralez.dataplane.admission.RequestServices services) {
    return new RequestStart(
        holder,
        settings,
        new RequestAdmission(services, settings),
        new Exchange.Services(pool, settings, services.metrics()));
  }

  Exchange.Services exchanges() {
    return exchanges;
  }

  Plan plan(HttpRequest req, ClientSide client, String clientIp, ByteBufAllocator alloc) {
    HttpResponseStatus refusal = HeadChecks.refusal(req);
    if (refusal != null) {
      if (req.decoderResult().isFailure()) {
        LOG.debug("bad request from {}: {}", clientIp, req.decoderResult().cause().toString());
      }
      return new Plan.Refuse(
          RequestFacts.unrouted(clientIp), LocalResponses.status(alloc, refusal));
    }
    // Only TLS connections carry client certificates: the plain listener skips the lookup.
    var peer =
        settings.secure()
            ? client.channel().connectionAttr(io.aralez.dataplane.tls.ClientChain.KEY)
            : null;
    NettyRequestHead head =
        new NettyRequestHead(
            req, peer == null ? io.aralez.dataplane.request.PeerCertificates.NONE : peer);
    RequestTarget target = RequestTarget.parse(head);
    if (target == null) {
      return new Plan.Refuse(
          RequestFacts.unrouted(clientIp),
          LocalResponses.status(alloc, HttpResponseStatus.BAD_REQUEST));
    }
    // Only the TLS listener has connections opened for a name: the plain one skips the lookup.
    if (settings.secure() && !authoritative(client, target)) {
      exchanges.metrics().rejected("misdirected");
      return new Plan.Refuse(
          RequestFacts.unrouted(clientIp),
          LocalResponses.status(alloc, HttpResponseStatus.MISDIRECTED_REQUEST));
    }
    // The one read of the config for this request: everything below uses this snapshot.
    Admission admitted = admission.admit(holder.current(), head, target, clientIp);
    RequestFacts facts = admitted.facts();
    Verdict verdict = admitted.verdict();
    if (verdict instanceof Verdict.Local local) {
      return new Plan.Answer(facts, LocalResponses.of(alloc, local));
    }
    Verdict.Callout callout = verdict instanceof Verdict.Callout c ? c : null;
    Verdict.Forward forward = callout != null ? callout.forward() : (Verdict.Forward) verdict;
    Exchange ex =
        new Exchange(
            client,
            exchanges,
            outbound(
                req, target, forward, callout != null, facts, client, clientIp, admitted.permit()));
    return new Plan.Forward(
        facts,
        ex,
        callout == null
            ? null
            : new AuthCallout(
                callout, ex, req, target, facts.client(), exchanges, client.channel().eventLoop()));
  }

  /**
   * Whether the TLS connection this request came on was opened for its host (see {@link
   * io.aralez.dataplane.tls.ServedNames}); plain connections always are.
   */
  private static boolean authoritative(ClientSide client, RequestTarget target) {
    var served = client.channel().connectionAttr(io.aralez.dataplane.tls.ServedNames.KEY);
    return served == null || served.authoritativeFor(target.host());
  }

  private Outbound outbound(
      HttpRequest req,
      RequestTarget target,
      Verdict.Forward forward,
      boolean callout,
      RequestFacts facts,
      ClientSide client,
      String peer,
      ConcurrencyLimiter.Permit permit) {
    String sni = target.host() != null && target.host().indexOf(':') < 0 ? target.host() : null;
    // Read before the head is rewritten in place (which drops Connection and Upgrade).
    ClientTraits traits = ClientTraits.of(req, client.channel().http2());
    ErrorPage errorPage = ErrorPage.of(forward.entry().route().rules().errorPages(), req, target);
    MirrorCall mirror =
        MirrorCall.of(
            forward.entry().route().rules().mirror(),
            req,
            exchanges,
            client.channel().eventLoop(),
            forward.entry().route().upstream().readOr(settings.readTimeout()));
    // Callouts still read the client's head and may answer in its place; an HTTP/2 whole request
    // carries its body: both get a copy. Everything else is rewritten in place.
    boolean inPlace = !(req instanceof FullHttpRequest) && !callout;
    Verdict.Edits edits = forward.edits();
    String host =
        forward.upstreamHost() != null
            ? forward.upstreamHost()
            : target.hostHeader().isEmpty() ? target.host() : target.hostHeader();
    HttpRequest upstream =
        HeaderRewriter.upstreamRequest(
            req,
            traits,
            inPlace,
            forward.uri(),
            host,
            peer,
            facts.client(),
            facts.trustedPeer(),
            settings.secure(),
            forward.entry().route().serverHeaders());
    for (var h : edits.requestHeaders()) {
      upstream.headers().set(h.name(), h.value());
    }
    return new Outbound(forward, traits, sni, upstream, errorPage, permit, mirror);
  }
}
