package io.aralez.dataplane.proxy;

import io.aralez.dataplane.config.ProxyConfig.Route;
import io.aralez.dataplane.config.ProxyConfig.StickySessions;
import io.aralez.dataplane.policy.AuthDecision;
import io.aralez.dataplane.policy.Authenticator;
import io.aralez.dataplane.policy.RequestServices;
import io.aralez.dataplane.routing.RouteEntry;
import io.aralez.dataplane.runtime.ActiveConfig;
import io.aralez.dataplane.runtime.ConfigHolder;
import io.aralez.dataplane.server.HeadTimeoutHandler;
import io.aralez.dataplane.server.LazyTimer;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of the proxy for one HTTP/1.x connection. It takes request heads, decides locally
 * what it can (400, 404, redirects, auth, 503) and hands the rest to an {@link Exchange} with an
 * upstream connection. Reads are explicit (AUTO_READ is off): the client is read only while its
 * data has somewhere to go, and pipelined requests wait until the previous response is done. All
 * state is touched only from this channel's event loop.
 */
public final class ProxyHandler extends ChannelDuplexHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyHandler.class);

  /** A request body up to this size is read and dropped after a local answer; larger: close. */
  static final long MAX_DISCARD_BYTES = 64 * 1024;

  private static final io.netty.util.AttributeKey<String> CLIENT_IP =
      io.netty.util.AttributeKey.valueOf("aralez.client-ip");

  /** Sent through the pipeline to start a graceful drain of this connection. */
  public static final Object DRAIN = new Object();

  enum State {
    IDLE,
    CONNECTING,
    STREAMING,
    AWAIT_RESPONSE,
    DISCARDING,
    CLOSED
  }

  private final ConfigHolder holder;
  private final ProxySettings settings;
  private final UpstreamPool pool;
  private final ArrayDeque<HttpObject> pending = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private HeadTimeoutHandler headTimer;
  private State state = State.IDLE;
  private Exchange exchange;
  private boolean draining;
  private boolean closeAfterDiscard;
  private String clientIp;
  private boolean http2;

  private final RequestServices services;

  /** The current request's limiter key and 4xx limit, to count its answer. */
  private String limitKey;

  private Long x4xxLimit;
  private String metricHost = "none";
  private String metricRoute = "none";
  private String method = "GET";
  private long started;
  private String logUri = "-";
  private String logClient;

  /** One stall timer per connection, shared by its exchanges ({@link LazyTimer}). */
  private LazyTimer stallTimer;

  public ProxyHandler(
      ConfigHolder holder, ProxySettings settings, UpstreamPool pool, RequestServices services) {
    this.services = services;
    this.holder = holder;
    this.settings = settings;
    this.pool = pool;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.headTimer = ctx.pipeline().get(HeadTimeoutHandler.class);
    this.stallTimer = new LazyTimer(ctx.executor(), this::onStallTimer);
    // An HTTP/2 stream: one request, then the stream ends; no keep-alive, no raw writes.
    this.http2 = ctx.channel() instanceof Http2StreamChannel;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    clientIp = http2 ? connectionClientIp(ctx.channel().parent()) : format(ctx.channel());
    ctx.read();
    ctx.fireChannelActive();
  }

  /**
   * The streams of one HTTP/2 connection share its formatted address (stored on the connection).
   */
  private static String connectionClientIp(io.netty.channel.Channel connection) {
    String ip = connection.attr(CLIENT_IP).get();
    if (ip == null) {
      ip = format(connection);
      connection.attr(CLIENT_IP).set(ip);
    }
    return ip;
  }

  private static String format(io.netty.channel.Channel ch) {
    return ch.remoteAddress() instanceof InetSocketAddress isa
        ? isa.getAddress().getHostAddress()
        : "unknown";
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (state == State.CLOSED || !(msg instanceof HttpObject obj)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (!pending.isEmpty() || (obj instanceof HttpRequest && state != State.IDLE)) {
      // Pipelined: answered in order once the current exchange is done.
      pending.add(obj);
      return;
    }
    dispatch(obj);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (exchange != null) {
      exchange.flushUpstream();
    }
    ctx.flush();
    maybeRead();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable() && exchange != null) {
      exchange.resumeUpstreamReads();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    stallTimer.cancel();
    state = State.CLOSED;
    if (exchange != null) {
      exchange.abort();
      exchange = null;
    }
    releasePending();
    ctx.fireChannelInactive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == DRAIN) {
      draining = true;
      if (state == State.IDLE && pending.isEmpty()) {
        ctx.close();
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!(cause instanceof IOException)) {
      LOG.warn("client connection {} failed", ctx.channel().remoteAddress(), cause);
    }
    ctx.close();
  }

  // ---- request side ----

  private void dispatch(HttpObject msg) {
    if (msg instanceof FullHttpRequest full) {
      // HTTP/2 streams that end with their headers arrive whole; the body part must travel as
      // content, never as a second request head.
      onRequestHead(full);
      onRequestContent(new DefaultLastHttpContent(full.content(), full.trailingHeaders()));
      return;
    }
    if (msg instanceof HttpRequest req) {
      onRequestHead(req);
    }
    if (msg instanceof HttpContent content) {
      onRequestContent(content);
    }
  }

  private void onRequestContent(HttpContent content) {
    switch (state) {
      case CONNECTING, STREAMING -> exchange.onRequestContent(content);
      case DISCARDING -> {
        content.release();
        if (content instanceof LastHttpContent) {
          afterLocalResponse();
        }
      }
      default -> content.release();
    }
  }

  private void onRequestHead(HttpRequest req) {
    started = System.nanoTime();
    method = req.method().name();
    logUri = req.uri();
    logClient = clientIp;
    metricHost = "none";
    metricRoute = "none";
    limitKey = null;
    x4xxLimit = null;
    if (headTimer != null) {
      headTimer.headReceived();
    }
    DecoderResult result = req.decoderResult();
    if (result.isFailure()) {
      Throwable cause = result.cause();
      HttpResponseStatus status =
          cause instanceof TooLongHttpLineException
              ? HttpResponseStatus.REQUEST_URI_TOO_LONG
              : cause instanceof TooLongHttpHeaderException
                  ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                  : HttpResponseStatus.BAD_REQUEST;
      LOG.debug("bad request from {}: {}", clientIp, cause.toString());
      respondAndClose(LocalResponses.status(ctx.alloc(), status));
      return;
    }
    HttpResponseStatus framing = checkFraming(req);
    if (framing != null) {
      respondAndClose(LocalResponses.status(ctx.alloc(), framing));
      return;
    }
    RequestTarget target = RequestTarget.parse(req);
    if (target == null) {
      respondAndClose(LocalResponses.status(ctx.alloc(), HttpResponseStatus.BAD_REQUEST));
      return;
    }
    // The one read of the config for this request: everything below uses this snapshot.
    ActiveConfig config = holder.current();
    RouteEntry entry = config.router().route(target.host(), target.canonicalPath(), req);
    if (entry == null) {
      respondLocal(req, LocalResponses.status(ctx.alloc(), HttpResponseStatus.NOT_FOUND));
      return;
    }
    Route route = entry.route();
    metricHost = route.host();
    metricRoute = route.path();
    boolean trustedPeer = services.identity().isTrusted(clientIp);
    String client =
        trustedPeer
            ? services
                .identity()
                .resolve(
                    clientIp,
                    req.headers().getAll(HeaderRewriter.X_FORWARDED_FOR),
                    req.headers().getAll("forwarded"))
            : clientIp;
    // Only routes with limits pay for the key.
    limitKey =
        route.rateLimit() != null || route.x4xxLimit() != null ? client + "|" + route.host() : null;
    logClient = client;
    x4xxLimit = route.x4xxLimit();
    if (x4xxLimit != null) {
      long blocked = services.errors().blockedFor(limitKey);
      if (blocked > 0) {
        services.metrics().rejected("x4xx_limit");
        respondLocal(req, tooManyRequests(blocked));
        return;
      }
    }
    if (route.rateLimit() != null) {
      long wait = services.rate().acquire(limitKey + "|" + route.rateLimit(), route.rateLimit());
      if (wait > 0) {
        services.metrics().rejected("rate_limit");
        respondLocal(req, tooManyRequests(wait));
        return;
      }
    }
    if (route.redirectTo() != null) {
      respondLocal(
          req,
          LocalResponses.redirect(
              ctx.alloc(), route.redirectCode(), route.redirectTo() + target.uri()));
      return;
    }
    if (route.toHttps() && !settings.secure()) {
      respondLocal(
          req, LocalResponses.redirect(ctx.alloc(), route.redirectCode(), httpsLocation(target)));
      return;
    }
    if (route.directStatus() != null) {
      respondLocal(
          req,
          LocalResponses.status(ctx.alloc(), HttpResponseStatus.valueOf(route.directStatus())));
      return;
    }
    AuthDecision auth =
        Authenticator.check(route.auth(), req.headers(), target.uri(), settings.masterKey());
    if (auth instanceof AuthDecision.Deny deny) {
      services.metrics().rejected("auth_" + route.auth().type().name());
      respondLocal(req, unauthorized(deny.challenge()));
      return;
    }
    String uri = target.uri();
    if (auth instanceof AuthDecision.Allow allow && allow.uri() != null) {
      uri = allow.uri();
    } else if (auth instanceof AuthDecision.Pending pending && pending.uri() != null) {
      uri = pending.uri();
    }
    String stickyId = null;
    int index = -1;
    StickySessions sticky = config.config().stickyFor(route);
    if (sticky.enabled()) {
      stickyId = StickyCookie.parse(req.headers().getAll(HttpHeaderNames.COOKIE));
      index = entry.bySticky(stickyId);
    }
    if (index < 0) {
      index = entry.pick();
    }
    if (index < 0) {
      // No servers, or none healthy: never fall through to another route.
      respondLocal(req, LocalResponses.unavailable(ctx.alloc()));
      return;
    }
    boolean chunked = HttpUtil.isTransferEncodingChunked(req);
    long length = chunked ? -1 : HttpUtil.getContentLength(req, -1L);
    String sni = target.host() != null && target.host().indexOf(':') < 0 ? target.host() : null;
    // Callouts (bcrypt, forward auth) still read the client's head and may answer in its place;
    // an HTTP/2 whole request carries its body: both get a copy. Everything else is rewritten in
    // place, after the exchange read what it needs of the client's head.
    boolean inPlace =
        !(req instanceof FullHttpRequest)
            && !(auth instanceof AuthDecision.Pending)
            && !(auth instanceof AuthDecision.Forward);
    Exchange ex = new Exchange(this, entry, index, sticky, stickyId, sni, req);
    ex.sendAs(
        HeaderRewriter.upstreamRequest(
            req,
            inPlace,
            uri,
            target.hostHeader().isEmpty() ? target.host() : target.hostHeader(),
            chunked,
            length,
            clientIp,
            trustedPeer,
            settings.secure(),
            route.serverHeaders()));
    exchange = ex;
    // Until the exchange starts, request content is buffered by it (and no more is read).
    state = State.CONNECTING;
    if (auth instanceof AuthDecision.Pending pending) {
      pending
          .result()
          .whenComplete(
              (d, err) ->
                  ctx.executor().execute(() -> afterAuth(ex, req, err == null ? d : null, null)));
    } else if (auth instanceof AuthDecision.Forward forward) {
      ForwardAuthCall.start(
              pool,
              ctx.channel().eventLoop(),
              forward.url(),
              req,
              target,
              client,
              settings.secure(),
              settings.forwardAuthTimeout())
          .addListener(
              (io.netty.util.concurrent.Future<ForwardAuthCall.Result> f) ->
                  afterAuth(ex, req, null, f.getNow()));
    } else {
      ex.start();
    }
  }

  private FullHttpResponse tooManyRequests(long waitNanos) {
    FullHttpResponse res = LocalResponses.status(ctx.alloc(), HttpResponseStatus.TOO_MANY_REQUESTS);
    res.headers()
        .set(HttpHeaderNames.RETRY_AFTER, Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L));
    return res;
  }

  /** Counts a 4xx answer towards {@code x4xx_limit}; our own 429s never count. */
  void recordStatus(int code) {
    services
        .metrics()
        .request(metricHost, metricRoute, method, code, http2, System.nanoTime() - started);
    if (x4xxLimit != null && code >= 400 && code < 500 && code != 429) {
      services.errors().record(limitKey, x4xxLimit);
    }
  }

  private FullHttpResponse unauthorized(boolean challenge) {
    FullHttpResponse res = LocalResponses.status(ctx.alloc(), HttpResponseStatus.UNAUTHORIZED);
    if (challenge) {
      res.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"aralez\"");
    }
    return res;
  }

  /**
   * Resumes a request whose authorization was decided off the request path: start it, or answer in
   * its place. Loop thread.
   *
   * @param decision a bcrypt outcome, or null
   * @param forward a forward-auth outcome, or null
   */
  private void afterAuth(
      Exchange ex, HttpRequest req, AuthDecision decision, ForwardAuthCall.Result forward) {
    if (exchange != ex || state == State.CLOSED) {
      if (forward != null && forward.body() != null) {
        forward.body().release();
      }
      return;
    }
    if (forward == null) {
      if (decision instanceof AuthDecision.Allow) {
        ex.start();
        return;
      }
      ex.abort();
      exchange = null;
      respondLocal(
          req,
          decision == null
              ? LocalResponses.unavailable(ctx.alloc())
              : unauthorized(((AuthDecision.Deny) decision).challenge()));
      return;
    }
    int status = forward.status();
    if (status >= 200 && status < 300) {
      ex.allowedBy(forward.headers());
      forward.body().release();
      ex.start();
      return;
    }
    ex.abort();
    exchange = null;
    if (status == 0) {
      // The auth server did not answer in time: fail closed.
      respondLocal(req, LocalResponses.unavailable(ctx.alloc()));
      return;
    }
    respondLocal(req, LocalResponses.relay(ctx.alloc(), forward));
    forward.body().release();
  }

  /** Framing checks Netty leaves to us (RFC 9112 §6): 400, or 501 for unknown codings. */
  private static HttpResponseStatus checkFraming(HttpRequest req) {
    List<String> te = req.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
    if (!te.isEmpty()) {
      if (!req.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
        return HttpResponseStatus.BAD_REQUEST;
      }
      if (te.size() != 1 || !te.get(0).trim().equalsIgnoreCase("chunked")) {
        return te.get(0).contains(",") || te.size() > 1
            ? HttpResponseStatus.BAD_REQUEST
            : HttpResponseStatus.NOT_IMPLEMENTED;
      }
    }
    if (req.method().equals(HttpMethod.CONNECT)) {
      return HttpResponseStatus.METHOD_NOT_ALLOWED;
    }
    String expect = req.headers().get(HttpHeaderNames.EXPECT);
    if (expect != null && !expect.trim().equalsIgnoreCase("100-continue")) {
      return HttpResponseStatus.EXPECTATION_FAILED;
    }
    return null;
  }

  private String httpsLocation(RequestTarget target) {
    String host = target.host().indexOf(':') >= 0 ? "[" + target.host() + "]" : target.host();
    int port = settings.httpsPort();
    return "https://" + host + (port == 443 ? "" : ":" + port) + target.uri();
  }

  // ---- local responses ----

  /**
   * Answers without an upstream. A small pending body is read and dropped so the connection can be
   * reused; a large or unknown one means the connection closes after the answer.
   */
  private void respondLocal(HttpRequest req, FullHttpResponse res) {
    recordStatus(res.status().code());
    logAccess(res.status().code(), res.content().readableBytes(), null);
    boolean keepAlive = HttpUtil.isKeepAlive(req) && !draining;
    boolean hasBody =
        HttpUtil.isTransferEncodingChunked(req) || HttpUtil.getContentLength(req, 0L) > 0;
    if (hasBody
        && (HttpUtil.is100ContinueExpected(req)
            || HttpUtil.isTransferEncodingChunked(req)
            || HttpUtil.getContentLength(req, 0L) > MAX_DISCARD_BYTES)) {
      keepAlive = false;
    }
    if (!keepAlive) {
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (!req.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    ctx.write(res);
    if (http2) {
      ctx.flush();
      state = State.DISCARDING;
      closeAfterDiscard = true;
      return;
    }
    if (!keepAlive) {
      state = State.CLOSED;
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ctx.flush();
    state = State.DISCARDING;
    closeAfterDiscard = false;
  }

  private void respondAndClose(FullHttpResponse res) {
    logAccess(res.status().code(), res.content().readableBytes(), null);
    res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    state = State.CLOSED;
    releasePending();
    if (http2) {
      // Ends this stream only; the connection's other streams go on.
      ctx.writeAndFlush(res);
      return;
    }
    ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
  }

  private void afterLocalResponse() {
    if (http2) {
      state = State.CLOSED;
      return;
    }
    if (closeAfterDiscard || draining) {
      state = State.CLOSED;
      ctx.close();
      return;
    }
    readyForNextRequest();
  }

  // ---- called by the exchange ----

  ChannelHandlerContext ctx() {
    return ctx;
  }

  UpstreamPool pool() {
    return pool;
  }

  ProxySettings settings() {
    return settings;
  }

  /** The current exchange wants its {@code checkStall} called within this many nanoseconds. */
  void checkExchangeWithin(long delayNanos) {
    stallTimer.wakeWithin(delayNanos);
  }

  private void onStallTimer() {
    if (exchange != null && state != State.CLOSED) {
      exchange.checkStall();
    }
  }

  boolean draining() {
    return draining;
  }

  void setState(State s) {
    if (state != State.CLOSED) {
      state = s;
    }
  }

  State state() {
    return state;
  }

  /** The exchange answered with a local error before any response byte went out. */
  void exchangeFailed(Exchange ex, HttpResponseStatus status, boolean requestComplete) {
    if (exchange != ex) {
      return;
    }
    exchange = null;
    FullHttpResponse res =
        status == HttpResponseStatus.SERVICE_UNAVAILABLE
            ? LocalResponses.unavailable(ctx.alloc())
            : LocalResponses.status(ctx.alloc(), status);
    if (http2 || !requestComplete || draining || !ex.clientKeepAlive()) {
      respondAndClose(res);
      return;
    }
    logAccess(res.status().code(), res.content().readableBytes(), null);
    ctx.writeAndFlush(res);
    readyForNextRequest();
  }

  /** The response went out completely. */
  void exchangeDone(Exchange ex, boolean closeClient) {
    if (exchange != ex) {
      return;
    }
    exchange = null;
    if (http2) {
      state = State.CLOSED;
      flushClient();
      return;
    }
    if (closeClient || draining) {
      state = State.CLOSED;
      releasePending();
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ctx.flush();
    readyForNextRequest();
  }

  /** The response broke after it started: the only honest signal left is to close. */
  void exchangeAborted(Exchange ex) {
    if (exchange == ex) {
      exchange = null;
    }
    state = State.CLOSED;
    releasePending();
    ctx.close();
  }

  void maybeRead() {
    boolean want =
        switch (state) {
          case IDLE -> pending.isEmpty();
          case DISCARDING -> true;
          case STREAMING -> exchange != null && exchange.upstreamWritable();
          default -> false;
        };
    if (want) {
      ctx.read();
    }
  }

  boolean http2() {
    return http2;
  }

  /**
   * Flushes what the exchange wrote to the client. An HTTP/2 stream's frames are already in its
   * connection's pipeline; the connection is flushed once per round of events for all its streams
   * ({@link ParentFlush}).
   */
  void flushClient() {
    if (http2) {
      ParentFlush.later(ctx.channel().parent());
    } else {
      ctx.flush();
    }
  }

  /** One access-log line for the current request (off the event loop, bounded). */
  void logAccess(int status, long bytes, io.aralez.dataplane.config.HostPort upstream) {
    var log = services.accessLog();
    if (log.enabled()) {
      log.log(
          logClient == null ? clientIp : logClient,
          metricHost,
          method,
          logUri,
          status,
          bytes,
          System.nanoTime() - started,
          upstream == null ? null : upstream.toString());
    }
  }

  io.aralez.dataplane.metrics.ProxyMetrics metrics() {
    return services.metrics();
  }

  /**
   * After a 101: this connection becomes one end of a byte tunnel to {@code peer}. The HTTP
   * handlers leave the pipeline; bytes the decoder already holds go on to the tunnel.
   */
  void becomeTunnel(io.netty.channel.Channel peer, java.time.Duration idle) {
    exchange = null;
    state = State.CLOSED;
    releasePending();
    var p = ctx.pipeline();
    p.addLast(
        "tunnel-idle",
        new io.netty.handler.timeout.IdleStateHandler(
            0, 0, idle.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
    p.addLast("tunnel", new TunnelHandler(peer));
    if (p.get("head-timeout") != null) {
      p.remove("head-timeout");
    }
    p.remove(this);
    p.remove("http");
  }

  private void readyForNextRequest() {
    state = State.IDLE;
    headTimer.awaitHead();
    HttpObject next;
    while ((next = pending.peek()) != null) {
      if (next instanceof HttpRequest && state != State.IDLE) {
        break;
      }
      pending.poll();
      dispatch(next);
      if (state == State.CLOSED) {
        releasePending();
        return;
      }
    }
    maybeRead();
  }

  private void releasePending() {
    HttpObject o;
    while ((o = pending.poll()) != null) {
      ReferenceCountUtil.release(o);
    }
  }
}
