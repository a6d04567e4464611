package io.aralez.dataplane.proxy;

import io.aralez.dataplane.admission.Verdict;
import io.aralez.dataplane.config.ProxySettings;
import io.aralez.dataplane.metrics.ProxyMetrics;
import io.aralez.dataplane.net.DispatchClock;
import io.aralez.dataplane.routing.RouteEntry;
import io.aralez.dataplane.upstream.UpstreamListener;
import io.aralez.dataplane.upstream.UpstreamPool;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.FutureListener;
import io.netty.util.concurrent.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request/response between a client and an upstream connection, on the client's event loop.
 * Bodies stream in both directions without aggregation: the client is read only while the upstream
 * is writable, the upstream only while the client is writable.
 *
 * <p>Failure policy: a connect failure is retried on another backend (nothing was sent); a reused
 * pooled connection that dies before any response byte, on a fresh one; the failures the route's
 * proxy-next-upstream lists, on another backend, while no response or body byte went anywhere.
 * Otherwise 502 (504 on timeout) before the response starts; after it started, the client
 * connection is closed so a truncated response never looks complete.
 */
final class Exchange
    implements UpstreamListener, BackendPlace.Waiter, FutureListener<UpstreamPool.Lease> {
  private static final Logger LOG = LoggerFactory.getLogger(Exchange.class);

  /** What an exchange needs from the process: the same for every request of a listener. */
  record Services(UpstreamPool pool, ProxySettings settings, ProxyMetrics metrics) {}

  private final ClientSide client;
  private final Services services;
  private final Outbound out;
  private final RouteEntry entry;
  private final Verdict.Forward forward;
  private final ClientTraits traits;
  private final ResponseRelay response;
  private final RequestRelay request = new RequestRelay();
  private final UpstreamChoice choice;
  private final UpstreamLink upstream = new UpstreamLink();
  // The event loop's clock: the system's, or a test's that it can move.
  private final Ticker ticker;
  private boolean done;

  /** From attach to the end or the upstream's drop; null otherwise (stalls are not checked). */
  private StallWatch stalls;

  Exchange(ClientSide client, Services services, Outbound out) {
    this.client = client;
    this.ticker = client.channel().eventLoop().ticker();
    this.services = services;
    this.out = out;
    this.forward = out.forward();
    this.entry = forward.entry();
    this.traits = out.traits();
    this.choice = new UpstreamChoice(entry, forward.index(), services);
    this.response = new ResponseRelay(client, traits, services.settings().secure());
    request.mirrorTo(out.mirror());
  }

  HttpRequest upstreamHead() {
    return out.head();
  }

  /** The forward-auth server's cookies for the client ({@link ResponseRelay#authCookies}). */
  void authCookies(java.util.List<String> cookies, boolean always) {
    response.authCookies(cookies, always);
  }

  /** The largest request body the route accepts, or -1. */
  long bodyLimit() {
    return forward.maxBodyBytes();
  }

  /** Some of the response went to the client already. */
  boolean responseStarted() {
    return response.started();
  }

  boolean clientKeepAlive() {
    return traits.keepAlive();
  }

  /**
   * Waits for a place at the backend when its route caps requests in flight, then connects. A
   * request keeps its place across a retry on a fresh connection to the same backend.
   */
  void start() {
    choice.attempt(client.channel().eventLoop(), this);
  }

  @Override
  public void placeRefused() {
    fail(HttpResponseStatus.SERVICE_UNAVAILABLE);
  }

  /** Holding a place at the backend: connect. */
  @Override
  public void placeTaken() {
    choice.connect(client.channel().eventLoop(), traits, out.sni()).addListener(this);
  }

  /** The connection attempt's outcome (the exchange is the listener: nothing allocated for it). */
  @Override
  public void operationComplete(Future<UpstreamPool.Lease> f) {
    if (f.isSuccess()) {
      if (done) {
        f.getNow().release(false);
      } else {
        attach(f.getNow());
      }
    } else if (!done) {
      HttpResponseStatus answer = choice.connectFailed(f.cause());
      if (answer == null) {
        start();
      } else {
        fail(answer);
      }
    }
  }

  private void attach(UpstreamPool.Lease l) {
    Channel ch = upstream.attach(l, this);
    request.attach(ch, out.head(), traits.bodyless());
    client.requestForwarded(request.complete());
    stalls = StallWatch.of(entry.route().upstream(), services.settings(), now());
    client.checkWithin(stalls.firstCheck());
    ch.read();
    client.readMore();
  }

  /** Request body from the client, in order. */
  void onRequestContent(HttpContent content) {
    if (stalls != null) {
      stalls.clientActive(now());
    }
    if (request.content(content)) {
      client.requestForwarded(true);
    }
  }

  void flushUpstream() {
    request.flush();
  }

  boolean upstreamWritable() {
    return request.upstreamWritable();
  }

  /** The client drained its buffer: fetch more of the response. */
  void resumeUpstreamReads() {
    if (!done) {
      upstream.read();
    }
  }

  // ---- upstream events ----

  @Override
  public void onUpstreamMessage(Object msg) {
    upstreamActive();
    if (done) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpResponse res) {
      if (res.decoderResult().isFailure()) {
        ReferenceCountUtil.release(msg);
        choice.invalidResponse(res.decoderResult().cause());
        upstreamBroken(HttpResponseStatus.BAD_GATEWAY);
        return;
      }
      choice.responded();
      int code = res.status().code();
      if (retried(choice.nextOnStatus(code)) || replacedWithErrorPage(code)) {
        ReferenceCountUtil.release(msg);
        return;
      }
      switch (response.head(res, request.complete(), forward, choice.index())) {
        case UPGRADE -> {
          switchToTunnel(res);
          return;
        }
        case INVALID -> {
          ReferenceCountUtil.release(msg);
          upstreamBroken(HttpResponseStatus.BAD_GATEWAY);
          return;
        }
        default -> {}
      }
      if (res instanceof LastHttpContent whole) {
        // Head and end in one message (an HTTP/1.1 response read whole; HTTP/2 HEADERS with
        // END_STREAM, as gRPC's trailers-only errors): it was written whole, keeping its
        // end-of-stream and its grpc-status.
        if (response.started()) {
          finish();
        } else {
          whole.release();
        }
        return;
      }
    }
    if (msg instanceof HttpContent content && response.content(content)) {
      finish();
    }
  }

  private void upstreamActive() {
    if (stalls != null) {
      stalls.upstreamActive(now());
    }
  }

  @Override
  public void onUpstreamReadComplete() {
    if (done) {
      return;
    }
    client.channel().flush();
    if (client.channel().writable()) {
      upstream.read();
    }
  }

  @Override
  public void onUpstreamWritable() {
    upstreamActive();
    client.readMore();
  }

  @Override
  public void onUpstreamClosed(Throwable cause) {
    if (done) {
      return;
    }
    if (cause != null) {
      LOG.debug("upstream {} failed: {}", choice.backend().address(), cause.toString());
    }
    if (!response.started() && upstream.reused() && request.replayable() && choice.attempts() < 3) {
      // A pooled connection the server had already closed: nothing was processed, try again
      // (HTTP/1.1 then opens a fresh connection; HTTP/2 a fresh stream or connection).
      unbindUpstream();
      start();
      return;
    }
    if (!retried(choice.nextOnError())) {
      upstreamBroken(HttpResponseStatus.BAD_GATEWAY);
    }
  }

  /**
   * proxy-next-upstream: a failure the route lists, before any response byte or body byte went
   * anywhere, sends the request to another backend.
   */
  private boolean retried(boolean listed) {
    if (!listed
        || response.started()
        || request.bodySent()
        || !choice.nextAfter(out.head().method().name(), now())) {
      return false;
    }
    unbindUpstream();
    start();
    return true;
  }

  /**
   * The upstream accepted a WebSocket upgrade: relay the 101, then hand both connections to a byte
   * tunnel. The upstream connection belongs to the tunnel and never returns to a pool.
   */
  private void switchToTunnel(HttpResponse res) {
    end();
    response.upgraded();
    client.becomeTunnel(upstream.handOver(), res);
  }

  /**
   * The upstream's answer is one the route replaces: its connection is dropped (its body was not
   * read), the client's body is no longer forwarded, and the error backend answers instead.
   */
  private boolean replacedWithErrorPage(int status) {
    if (out.errorPage() == null || !out.errorPage().replaces(status)) {
      return false;
    }
    unbindUpstream();
    request.discard();
    out.errorPage()
        .answer(
            services,
            client,
            status,
            entry.route().upstream().readOr(services.settings().readTimeout()),
            () -> done,
            res -> {
              end();
              client.exchangeAnswered(this, res, request.complete());
            });
    return true;
  }

  // ---- endings ----

  /** Every ending goes through here: the request's concurrency place is given back once. */
  private void end() {
    done = true;
    stalls = null;
    if (out.permit() != null) {
      out.permit().release();
    }
    choice.release();
  }

  private void finish() {
    end();
    client.logAccess(response.status(), response.bytes(), choice.backend().address());
    upstream.release(response.upstreamKeepAlive() && request.complete());
    client.exchangeDone(this, response.closeClientAfter() || !request.complete());
  }

  private void fail(HttpResponseStatus status) {
    end();
    request.release();
    client.exchangeAnswered(
        this, LocalResponses.failure(client.alloc(), status), request.complete());
  }

  /** The upstream connection can no longer be trusted: drop it and tell the client. */
  private void upstreamBroken(HttpResponseStatus status) {
    unbindUpstream();
    if (response.started()) {
      end();
      client.logAccess(response.status(), response.bytes(), choice.backend().address());
      client.exchangeAborted(this);
    } else {
      fail(status);
    }
  }

  /** The client went away, or a callout refused the request. */
  void abort() {
    if (done) {
      return;
    }
    end();
    request.release();
    unbindUpstream();
  }

  /** Drops the upstream connection (its stalls are no longer watched). */
  private void unbindUpstream() {
    stalls = null;
    if (upstream.drop()) {
      request.detach();
    }
  }

  // ---- timeouts ----

  private long now() {
    return DispatchClock.now(ticker);
  }

  /** Called by the connection's stall timer, possibly earlier than this exchange asked. */
  void checkStall() {
    if (done || stalls == null) {
      return;
    }
    long now = now();
    switch (stalls.check(
        now, request.waitingOnClient(), client.channel().writable(), request.upstreamPending())) {
      case CLIENT_BODY -> {
        LOG.debug("client {} body stalled", client.channel().remoteAddress());
        upstreamBroken(HttpResponseStatus.REQUEST_TIMEOUT);
      }
      case UPSTREAM -> {
        if (retried(choice.nextOnTimeout())) {
          return;
        }
        choice.stalled(stalls.upstreamIdle(now));
        upstreamBroken(HttpResponseStatus.GATEWAY_TIMEOUT);
      }
      case NONE -> client.checkWithin(stalls.nextCheck());
    }
  }
}
