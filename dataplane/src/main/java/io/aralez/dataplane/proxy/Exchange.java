package io.aralez.dataplane.proxy;

import io.aralez.dataplane.admission.Verdict;
import io.aralez.dataplane.config.ProxyConfig.Backend;
import io.aralez.dataplane.config.ProxySettings;
import io.aralez.dataplane.metrics.ProxyMetrics;
import io.aralez.dataplane.routing.RouteEntry;
import io.aralez.dataplane.upstream.UpstreamListener;
import io.aralez.dataplane.upstream.UpstreamPool;
import io.netty.channel.Channel;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request/response between a client and an upstream connection, on the client's event loop.
 * Bodies stream in both directions without aggregation: the client is read only while the upstream
 * is writable, the upstream only while the client is writable.
 *
 * <p>Failure policy: a connect failure is retried once on another backend (nothing was sent). A
 * reused pooled connection that dies before any response byte is retried once on a fresh one when
 * no body byte was sent. Otherwise 502 (504 on timeout) before the response starts; after it
 * started, the client connection is closed so a truncated response never looks complete.
 */
final class Exchange implements UpstreamListener {
  private static final Logger LOG = LoggerFactory.getLogger(Exchange.class);

  /** What an exchange needs from the process: the same for every request of a listener. */
  record Services(UpstreamPool pool, ProxySettings settings, ProxyMetrics metrics) {}

  private final ClientSide client;
  private final Services services;
  private final RouteEntry entry;
  private final Verdict.Forward forward;
  private final ClientTraits traits;
  private final ResponseRelay response;
  private final String sni;
  private final RequestRelay request = new RequestRelay();
  private HttpRequest upstreamHead;

  private int index;
  private Backend backend;
  private UpstreamPool.Lease lease;
  private Channel upstream;
  private int attempts;
  private boolean done;
  private io.aralez.dataplane.policy.ConcurrencyLimiter.Permit permit;

  /** What the error backend needs when the route replaces upstream errors; null otherwise. */
  private ErrorPage errorPage;

  /** This request's place at a capped backend, held to the end; or the wait for one. */
  private final BackendPlace place = new BackendPlace();

  /** From attach to the end; null otherwise (stalls are not checked). */
  private StallWatch stalls;

  /**
   * @param sni the TLS server name for TLS backends (the request's host)
   */
  Exchange(
      ClientSide client,
      Services services,
      Verdict.Forward forward,
      ClientTraits traits,
      String sni) {
    this.client = client;
    this.services = services;
    this.forward = forward;
    this.entry = forward.entry();
    this.index = forward.index();
    this.backend = entry.backend(index);
    this.traits = traits;
    this.sni = sni;
    this.response = new ResponseRelay(client, traits, services.settings().secure());
  }

  /** The head to send upstream; set once, before {@link #start}. */
  void sendAs(HttpRequest head) {
    this.upstreamHead = head;
  }

  /** Upstream answers {@code page} names are replaced by an error backend's. */
  void replaceErrors(ErrorPage page) {
    this.errorPage = page;
  }

  HttpRequest upstreamHead() {
    return upstreamHead;
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

  void start() {
    attempts++;
    acquire();
  }

  /**
   * Waits for a place at the backend when its route caps requests in flight, then connects. A
   * request keeps its place across a retry on a fresh connection to the same backend.
   */
  private void acquire() {
    place.take(
        client.channel().eventLoop(),
        entry.state(index),
        entry.route().upstream(),
        services.settings(),
        services.metrics(),
        this::connect,
        () -> fail(HttpResponseStatus.SERVICE_UNAVAILABLE));
  }

  private void connect() {
    entry.state(index).countRequest();
    UpstreamPool.Key key =
        UpstreamPool.Key.choose(
            entry.route(),
            entry.state(index),
            backend.address(),
            traits.grpc(),
            traits.upgrade(),
            sni);
    services
        .pool()
        .acquire(
            client.channel().eventLoop(),
            key,
            entry.route().upstream().connectOr(services.settings().connectTimeout()))
        .addListener(
            (Future<UpstreamPool.Lease> f) -> {
              if (done) {
                if (f.isSuccess()) {
                  f.getNow().release(false);
                }
              } else if (f.isSuccess()) {
                attach(f.getNow());
              } else {
                connectFailed(f.cause());
              }
            });
  }

  private void connectFailed(Throwable cause) {
    boolean timeout = cause instanceof ConnectTimeoutException;
    LOG.warn(
        "upstream {} for {}: connect failed: {}",
        backend.address(),
        entry.route().id(),
        cause.toString());
    services.metrics().upstreamConnectError(backend.address().toString());
    // Passive health: out of rotation until probes bring it back.
    entry.state(index).markConnectFailure(cause.toString(), entry.route().healthcheck());
    int other =
        attempts < entry.route().upstream().connectAttempts() ? entry.pickExcept(index) : -1;
    if (other >= 0) {
      services.metrics().retry();
      place.release();
      index = other;
      backend = entry.backend(other);
      start();
      return;
    }
    fail(timeout ? HttpResponseStatus.GATEWAY_TIMEOUT : HttpResponseStatus.BAD_GATEWAY);
  }

  private void attach(UpstreamPool.Lease l) {
    lease = l;
    Channel ch = l.channel();
    upstream = ch;
    l.bind(this);
    request.attach(ch, upstreamHead);
    client.requestForwarded(request.complete());
    stalls = new StallWatch(readTimeout(), services.settings().clientBody().toNanos(), now());
    armWatchdog(stalls.firstCheck());
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
    if (upstream != null && !done) {
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
        LOG.warn(
            "upstream {} sent an invalid response: {}",
            backend.address(),
            res.decoderResult().cause().toString());
        upstreamBroken(HttpResponseStatus.BAD_GATEWAY);
        return;
      }
      if (errorPage != null && errorPage.replaces(res.status().code())) {
        ReferenceCountUtil.release(msg);
        replaceWithErrorPage(res.status().code());
        return;
      }
      switch (response.head(res, request.complete(), forward, index)) {
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
        // Head and end in one message (HTTP/2 HEADERS with END_STREAM, as gRPC's trailers-only
        // errors): it was written whole, keeping its end-of-stream and its grpc-status.
        if (response.started()) {
          finish();
        } else {
          whole.release();
        }
        return;
      }
    }
    if (msg instanceof HttpContent content) {
      onResponseContent(content);
    }
  }

  private void upstreamActive() {
    if (stalls != null) {
      stalls.upstreamActive(now());
    }
  }

  private void onResponseContent(HttpContent content) {
    if (response.content(content)) {
      finish();
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
      LOG.debug("upstream {} failed: {}", backend.address(), cause.toString());
    }
    if (!response.started()
        && lease.reused()
        && !request.bodySent()
        && request.complete()
        && attempts < 3) {
      // A pooled connection the server had already closed: nothing was processed, try again
      // (HTTP/1.1 then opens a fresh connection; HTTP/2 a fresh stream or connection).
      unbindUpstream();
      attempts++;
      acquire();
      return;
    }
    upstreamBroken(HttpResponseStatus.BAD_GATEWAY);
  }

  /**
   * The upstream accepted a WebSocket upgrade: relay the 101, then hand both connections to a byte
   * tunnel. The upstream connection belongs to the tunnel and never returns to a pool.
   */
  private void switchToTunnel(HttpResponse res) {
    end();
    response.upgraded();
    stalls = null;
    HeaderRewriter.upgradeResponse(res);
    client.channel().write(res);
    client.channel().flush();
    UpstreamPool.Lease l = lease;
    lease = null;
    upstream = null;
    client.becomeTunnel(l);
  }

  /**
   * The upstream's answer is one the route replaces: its connection is dropped (its body was not
   * read), the client's body is no longer forwarded, and the error backend answers instead.
   */
  private void replaceWithErrorPage(int status) {
    unbindUpstream();
    request.discard();
    stalls = null;
    services.metrics().errorPage(status);
    errorPage
        .fetch(
            services.pool(),
            client.channel().eventLoop(),
            status,
            java.time.Duration.ofNanos(readTimeout()))
        .addListener(
            (Future<SideCall.Result> f) -> {
              SideCall.Result result = f.getNow();
              if (done) {
                if (result.body() != null) {
                  result.body().release();
                }
                return;
              }
              end();
              client.exchangeAnswered(
                  this, ErrorPage.answer(client.alloc(), result, status), request.complete());
            });
  }

  // ---- endings ----

  /** Every ending goes through here: the request's concurrency place is given back once. */
  private void end() {
    done = true;
    if (permit != null) {
      permit.release();
    }
    place.release();
  }

  /** The concurrency place admission gave this request (limit-connections), or null. */
  void holdPermit(io.aralez.dataplane.policy.ConcurrencyLimiter.Permit permit) {
    this.permit = permit;
  }

  private void finish() {
    end();
    client.logAccess(response.status(), response.bytes(), backend.address());
    stalls = null;
    boolean reusable = response.upstreamKeepAlive() && request.complete() && upstream.isActive();
    lease.release(reusable);
    lease = null;
    upstream = null;
    client.exchangeDone(this, response.closeClientAfter() || !request.complete());
  }

  private void fail(HttpResponseStatus status) {
    end();
    stalls = null;
    request.release();
    client.exchangeAnswered(
        this, LocalResponses.failure(client.alloc(), status), request.complete());
  }

  /** The upstream connection can no longer be trusted: drop it and tell the client. */
  private void upstreamBroken(HttpResponseStatus status) {
    unbindUpstream();
    if (response.started()) {
      end();
      stalls = null;
      client.logAccess(response.status(), response.bytes(), backend.address());
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
    stalls = null;
    request.release();
    unbindUpstream();
  }

  private void unbindUpstream() {
    if (lease != null) {
      lease.release(false);
      lease = null;
      upstream = null;
      request.detach();
    }
  }

  // ---- timeouts ----

  /** The event loop's clock: the system's, or a test's that it can move. */
  private long now() {
    return client.channel().eventLoop().ticker().nanoTime();
  }

  private long readTimeout() {
    return entry.route().upstream().readOr(services.settings().readTimeout()).toNanos();
  }

  private void armWatchdog(long delayNanos) {
    if (delayNanos > 0) {
      client.checkWithin(Math.max(delayNanos, 1_000_000L));
    }
  }

  /** Called by the connection's stall timer, possibly earlier than this exchange asked. */
  void checkStall() {
    if (done || stalls == null) {
      return;
    }
    long now = now();
    switch (stalls.check(now, request.waitingOnClient(), client.channel().writable())) {
      case CLIENT_BODY -> {
        LOG.debug("client {} body stalled", client.channel().remoteAddress());
        upstreamBroken(HttpResponseStatus.REQUEST_TIMEOUT);
      }
      case UPSTREAM -> {
        LOG.warn(
            "upstream {} for {}: no data for {} ms",
            backend.address(),
            entry.route().id(),
            stalls.upstreamIdle(now) / 1_000_000);
        upstreamBroken(HttpResponseStatus.GATEWAY_TIMEOUT);
      }
      case NONE -> armWatchdog(stalls.nextCheck());
    }
  }
}
