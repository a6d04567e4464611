package io.aralez.dataplane.proxy;

import io.aralez.dataplane.config.ProxyConfig.Backend;
import io.aralez.dataplane.config.ProxyConfig.StickySessions;
import io.aralez.dataplane.config.UpstreamProtocol;
import io.aralez.dataplane.routing.RouteEntry;
import io.aralez.dataplane.server.LazyTimer;
import io.aralez.dataplane.upstream.BackendState;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
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

  private final ProxyHandler handler;
  private final ChannelHandlerContext ctx;
  private final RouteEntry entry;
  private HttpRequest upstreamHead;
  private final boolean clientHttp11;
  private final boolean clientKeepAlive;
  private final boolean headRequest;
  private final boolean expectContinue;
  private final boolean grpc;
  private final boolean upgrade;
  private final ArrayDeque<HttpContent> buffered = new ArrayDeque<>(2);

  private final String clientStickyId;
  private final StickySessions sticky;
  private final String sni;
  private int index;
  private Backend backend;
  private UpstreamPool.Lease lease;
  private Channel upstream;
  private boolean reused;
  private int attempts;
  private boolean requestComplete;
  private boolean bodySent;
  private boolean responseStarted;
  private int responseStatus;
  private long bytesRelayed;
  private boolean informational;
  private boolean closeClientAfter;
  private boolean upstreamKeepAlive;
  private boolean done;
  private long lastUpstreamActivity;
  private long lastClientActivity;

  /** Between attach and the end: stalls are checked (the connection's timer calls checkStall). */
  private boolean watching;

  /**
   * @param index the chosen backend of {@code entry}
   * @param clientStickyId the sticky id the client sent, or null
   * @param sni the TLS server name for TLS backends (the request's host)
   * @param clientRequest read here for what the exchange needs of it, before the caller rewrites it
   *     (possibly in place) into the upstream head given to {@link #sendAs}
   */
  Exchange(
      ProxyHandler handler,
      RouteEntry entry,
      int index,
      StickySessions sticky,
      String clientStickyId,
      String sni,
      HttpRequest clientRequest) {
    this.handler = handler;
    this.ctx = handler.ctx();
    this.entry = entry;
    this.index = index;
    this.backend = entry.backend(index);
    this.clientStickyId = clientStickyId;
    this.sticky = sticky;
    this.sni = sni;
    this.clientHttp11 = clientRequest.protocolVersion().equals(HttpVersion.HTTP_1_1);
    this.clientKeepAlive = HttpUtil.isKeepAlive(clientRequest);
    this.headRequest = clientRequest.method().equals(HttpMethod.HEAD);
    this.expectContinue = HttpUtil.is100ContinueExpected(clientRequest);
    String contentType = clientRequest.headers().get(HttpHeaderNames.CONTENT_TYPE);
    this.grpc = contentType != null && contentType.startsWith("application/grpc");
    this.upgrade = HeaderRewriter.isWebSocketUpgrade(clientRequest) && !handler.http2();
  }

  /** The head to send upstream; set once, before {@link #start}. */
  void sendAs(HttpRequest head) {
    this.upstreamHead = head;
  }

  boolean clientKeepAlive() {
    return clientKeepAlive;
  }

  /**
   * Forward auth said yes: its {@code X-*} and {@code Remote-*} headers go to the upstream, and any
   * copies the client sent of those names, and every client {@code Remote-*} header, are dropped
   * first so a client can never pose as someone else.
   */
  void allowedBy(io.netty.handler.codec.http.HttpHeaders auth) {
    var h = upstreamHead.headers();
    HeaderRewriter.removeNames(
        h, name -> io.netty.util.AsciiString.regionMatches(name, true, 0, "remote-", 0, 7));
    for (var e : auth) {
      String name = e.getKey();
      if (name.regionMatches(true, 0, "x-", 0, 2) || name.regionMatches(true, 0, "remote-", 0, 7)) {
        h.remove(name);
      }
    }
    for (var e : auth) {
      String name = e.getKey();
      if (name.regionMatches(true, 0, "x-", 0, 2) || name.regionMatches(true, 0, "remote-", 0, 7)) {
        h.add(name, e.getValue());
      }
    }
  }

  void start() {
    attempts++;
    acquire();
  }

  private void acquire() {
    entry.state(index).countRequest();
    UpstreamPool.Key key = key();
    handler
        .pool()
        .acquire(
            ctx.channel().eventLoop(),
            key,
            entry.route().upstream().connectOr(handler.settings().connectTimeout()))
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

  /**
   * How to reach the chosen backend: the route's explicit protocol, else what detection found (for
   * health-checked routes), else plain HTTP/1.1 as the original does.
   */
  private UpstreamPool.Key key() {
    BackendState state = entry.state(index);
    UpstreamProtocol p = entry.route().protocol();
    if (p == null) {
      p =
          entry.route().healthcheck() && state.detected() != null
              ? state.detected()
              : UpstreamProtocol.HTTP;
      if (p == UpstreamProtocol.HTTP && grpc && !upgrade) {
        // gRPC needs HTTP/2: a plain backend that also speaks h2c gets it by prior knowledge.
        p = UpstreamProtocol.H2C;
      }
    }
    if (upgrade && p.http2()) {
      // WebSocket over HTTP/1.1 Upgrade needs an HTTP/1.1 connection.
      p = p.tls() ? UpstreamProtocol.HTTPS : UpstreamProtocol.HTTP;
    }
    return new UpstreamPool.Key(backend.address(), p, p.tls() ? sni : null);
  }

  private void connectFailed(Throwable cause) {
    boolean timeout = cause instanceof ConnectTimeoutException;
    LOG.warn(
        "upstream {} for {}: connect failed: {}",
        backend.address(),
        entry.route().id(),
        cause.toString());
    handler.metrics().upstreamConnectError(backend.address().toString());
    // Passive health: out of rotation until probes bring it back.
    entry.state(index).markConnectFailure(cause.toString(), entry.route().healthcheck());
    int other =
        attempts < entry.route().upstream().connectAttempts() ? entry.pickExcept(index) : -1;
    if (other >= 0) {
      handler.metrics().retry();
      index = other;
      backend = entry.backend(other);
      start();
      return;
    }
    fail(timeout ? HttpResponseStatus.GATEWAY_TIMEOUT : HttpResponseStatus.BAD_GATEWAY);
  }

  private void attach(UpstreamPool.Lease l) {
    lease = l;
    reused = l.reused();
    Channel ch = l.channel();
    upstream = ch;
    ch.pipeline().get(UpstreamHandler.class).bind(this);
    // Void promises: nobody waits on these writes, and a failed one reaches exceptionCaught.
    ch.write(upstreamHead, ch.voidPromise());
    HttpContent c;
    while ((c = buffered.poll()) != null) {
      writeBody(c);
    }
    ch.flush();
    handler.setState(
        requestComplete ? ProxyHandler.State.AWAIT_RESPONSE : ProxyHandler.State.STREAMING);
    lastUpstreamActivity = lastClientActivity = System.nanoTime();
    watching = true;
    armWatchdog(
        LazyTimer.positiveMin(readTimeout().toNanos(), handler.settings().clientBody().toNanos()));
    ch.read();
    handler.maybeRead();
  }

  /** Request body from the client, in order. */
  void onRequestContent(HttpContent content) {
    lastClientActivity = System.nanoTime();
    if (requestComplete) {
      content.release();
      return;
    }
    if (upstream == null) {
      buffered.add(content);
      if (content instanceof LastHttpContent) {
        requestComplete = true;
      }
      return;
    }
    writeBody(content);
    if (requestComplete) {
      upstream.flush();
      handler.setState(ProxyHandler.State.AWAIT_RESPONSE);
    }
  }

  private void writeBody(HttpContent content) {
    if (content.content().isReadable()) {
      bodySent = true;
    }
    if (content instanceof LastHttpContent last) {
      requestComplete = true;
      if (!last.trailingHeaders().isEmpty()) {
        // Trailers are dropped: never let a client smuggle framing or auth headers through them.
        HttpContent plain = new DefaultLastHttpContent(last.content().retain());
        last.release();
        content = plain;
      }
    }
    upstream.write(content, upstream.voidPromise());
  }

  void flushUpstream() {
    if (upstream != null) {
      upstream.flush();
    }
  }

  boolean upstreamWritable() {
    return upstream != null && upstream.isWritable();
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
    lastUpstreamActivity = System.nanoTime();
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
      onResponseHead(res);
      if (res instanceof LastHttpContent whole) {
        // Head and end in one message (HTTP/2 HEADERS with END_STREAM, as gRPC's trailers-only
        // errors): it was written whole, keeping its end-of-stream and its grpc-status.
        if (responseStarted) {
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

  private void onResponseHead(HttpResponse res) {
    int code = res.status().code();
    if (code == 101) {
      if (upgrade && HeaderRewriter.isWebSocketAccept(res)) {
        switchToTunnel(res);
      } else {
        // Nobody asked for this upgrade: a protocol error.
        upstreamBroken(HttpResponseStatus.BAD_GATEWAY);
      }
      return;
    }
    if (code < 200) {
      informational = true;
      if (clientHttp11 && (code != 100 || expectContinue)) {
        ctx.write(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, res.status()));
      }
      return;
    }
    responseStarted = true;
    responseStatus = code;
    handler.recordStatus(code);
    upstreamKeepAlive = HttpUtil.isKeepAlive(res);
    boolean closeAfter = !clientKeepAlive || handler.draining() || !requestComplete;
    closeClientAfter =
        HeaderRewriter.clientResponse(
            res, clientHttp11, headRequest, closeAfter, entry.route().clientHeaders());
    if (sticky.enabled() && !entry.stickyId(index).equals(clientStickyId)) {
      // Added next to the upstream's own cookies, never replacing them.
      res.headers()
          .add(
              HttpHeaderNames.SET_COOKIE,
              StickyCookie.header(entry.stickyId(index), sticky, handler.settings().secure()));
    }
    if (res instanceof LastHttpContent whole && !handler.http2()) {
      whole.trailingHeaders().clear();
    }
    ctx.write(res, ctx.voidPromise());
  }

  private void onResponseContent(HttpContent content) {
    if (done) {
      content.release();
      return;
    }
    if (informational) {
      content.release();
      if (content instanceof LastHttpContent) {
        informational = false;
      }
      return;
    }
    if (!responseStarted) {
      content.release();
      return;
    }
    if (content instanceof LastHttpContent last) {
      if (!last.trailingHeaders().isEmpty() && !handler.http2()) {
        // HTTP/1.1 clients get no trailers; HTTP/2 clients (gRPC: grpc-status) get them all.
        ctx.write(new DefaultLastHttpContent(last.content().retain()), ctx.voidPromise());
        last.release();
      } else {
        ctx.write(last, ctx.voidPromise());
      }
      finish();
      return;
    }
    bytesRelayed += content.content().readableBytes();
    ctx.write(content, ctx.voidPromise());
  }

  @Override
  public void onUpstreamReadComplete() {
    if (done) {
      return;
    }
    handler.flushClient();
    if (ctx.channel().isWritable()) {
      upstream.read();
    }
  }

  @Override
  public void onUpstreamWritable() {
    lastUpstreamActivity = System.nanoTime();
    handler.maybeRead();
  }

  @Override
  public void onUpstreamClosed(Throwable cause) {
    if (done) {
      return;
    }
    if (cause != null) {
      LOG.debug("upstream {} failed: {}", backend.address(), cause.toString());
    }
    if (!responseStarted && reused && !bodySent && requestComplete && attempts < 3) {
      // A pooled connection the server had already closed: nothing was processed, try again
      // (HTTP/1.1 then opens a fresh connection; HTTP/2 a fresh stream or connection).
      unbindUpstream(true);
      attempts++;
      acquire();
      return;
    }
    upstreamBroken(HttpResponseStatus.BAD_GATEWAY);
  }

  /**
   * The upstream accepted a WebSocket upgrade: relay the 101, then turn both connections into a
   * byte tunnel. The upstream connection now belongs to the tunnel and never returns to a pool.
   */
  private void switchToTunnel(HttpResponse res) {
    done = true;
    responseStarted = true;
    stopWatching();
    HeaderRewriter.upgradeResponse(res);
    ctx.writeAndFlush(res);
    Channel client = ctx.channel();
    Channel server = upstream;
    lease = null;
    upstream = null;
    server.pipeline().get(UpstreamHandler.class).bind(null);
    handler.becomeTunnel(server, handler.settings().websocketIdle());
    var sp = server.pipeline();
    sp.remove("idle");
    sp.addLast(
        "tunnel-idle",
        new io.netty.handler.timeout.IdleStateHandler(
            0, 0, handler.settings().websocketIdle().toMillis(), TimeUnit.MILLISECONDS));
    sp.addLast("tunnel", new TunnelHandler(client));
    sp.remove("upstream");
    sp.remove("codec");
  }

  // ---- endings ----

  private void finish() {
    done = true;
    handler.logAccess(responseStatus, bytesRelayed, backend.address());
    stopWatching();
    boolean reusable = upstreamKeepAlive && requestComplete && upstream.isActive();
    lease.release(reusable);
    lease = null;
    upstream = null;
    handler.exchangeDone(this, closeClientAfter || !requestComplete);
  }

  private void fail(HttpResponseStatus status) {
    done = true;
    stopWatching();
    releaseBuffered();
    handler.exchangeFailed(this, status, requestComplete);
  }

  /** The upstream connection can no longer be trusted: drop it and tell the client. */
  private void upstreamBroken(HttpResponseStatus status) {
    unbindUpstream(true);
    if (responseStarted) {
      done = true;
      stopWatching();
      handler.logAccess(responseStatus, bytesRelayed, backend.address());
      handler.exchangeAborted(this);
    } else {
      fail(status);
    }
  }

  /** The client went away. */
  void abort() {
    if (done) {
      return;
    }
    done = true;
    stopWatching();
    releaseBuffered();
    unbindUpstream(true);
  }

  private void unbindUpstream(boolean close) {
    if (lease != null) {
      lease.release(!close);
      lease = null;
      upstream = null;
    }
  }

  private void releaseBuffered() {
    HttpContent c;
    while ((c = buffered.poll()) != null) {
      c.release();
    }
  }

  // ---- timeouts ----

  private java.time.Duration readTimeout() {
    return entry.route().upstream().readOr(handler.settings().readTimeout());
  }

  /**
   * One timer covers both stalls. Waiting on the upstream (response or body acceptance) longer than
   * the read timeout gives 504; waiting on the client's body longer than the body timeout gives
   * 408. Time spent waiting for a slow client to drain the response counts against neither.
   */
  private void armWatchdog(long delayNanos) {
    if (delayNanos > 0) {
      handler.checkExchangeWithin(Math.max(delayNanos, 1_000_000L));
    }
  }

  /** Called by the connection's stall timer, possibly earlier than this exchange asked. */
  void checkStall() {
    if (done || !watching) {
      return;
    }
    long now = System.nanoTime();
    long readTimeout = readTimeout().toNanos();
    long bodyTimeout = handler.settings().clientBody().toNanos();
    boolean waitingOnClientBody = !requestComplete && upstream != null && upstream.isWritable();
    if (waitingOnClientBody) {
      long idle = now - lastClientActivity;
      if (bodyTimeout > 0 && idle >= bodyTimeout) {
        LOG.debug("client {} body stalled", ctx.channel().remoteAddress());
        upstreamBroken(HttpResponseStatus.REQUEST_TIMEOUT);
        return;
      }
      armWatchdog(bodyTimeout > 0 ? bodyTimeout - idle : readTimeout);
      return;
    }
    if (!ctx.channel().isWritable()) {
      // The client is slow to read the response: not the upstream's fault.
      lastUpstreamActivity = now;
      armWatchdog(readTimeout);
      return;
    }
    long idle = now - lastUpstreamActivity;
    if (readTimeout > 0 && idle >= readTimeout) {
      LOG.warn(
          "upstream {} for {}: no data for {} ms",
          backend.address(),
          entry.route().id(),
          idle / 1_000_000);
      upstreamBroken(HttpResponseStatus.GATEWAY_TIMEOUT);
      return;
    }
    armWatchdog(readTimeout > 0 ? readTimeout - idle : bodyTimeout);
  }

  private void stopWatching() {
    // The timer belongs to the connection and stays armed: the next exchange reuses it.
    watching = false;
  }
}
