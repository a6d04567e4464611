package io.aralez.dataplane.proxy;

import io.aralez.dataplane.admission.RequestFacts;
import io.aralez.dataplane.admission.RequestServices;
import io.aralez.dataplane.config.HostPort;
import io.aralez.dataplane.config.ProxySettings;
import io.aralez.dataplane.upstream.UpstreamPool;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;

/**
 * The client half of a request flow, on an HTTP/1.x connection or an HTTP/2 stream: its state, how
 * each request ends on it (a local answer and the rest of the body dropped, the exchange's
 * response, a close or a tunnel), when it is read again, and the {@link ClientSide} an exchange
 * talks to. {@link ClientRequests} adds the reading and starting of requests; the Netty handlers
 * ({@link ProxyHandler}, {@link H2Connection}) only feed it. Event loop only.
 */
abstract class ClientFlow implements ClientSide {
  final ProxySettings settings;
  final RequestServices services;
  final ClientChannel out;
  final boolean http2;
  final String clientIp;

  /** What a request of this client is known as until admission routes it (one per connection). */
  final RequestFacts unrouted;

  /** HTTP/1 only: the wait for the next request head; null on HTTP/2. */
  final HeadTimer headTimer;

  final Pipelined pending = new Pipelined();
  final BodyCount body = new BodyCount();
  ClientState state = ClientState.IDLE;
  Exchange exchange;
  boolean draining;
  boolean closeAfterDiscard;
  RequestRecord request;

  /**
   * One stall timer per connection, shared by its exchanges ({@link LazyTimer}): an HTTP/1.x flow
   * owns its own; the streams of an HTTP/2 connection share the connection's.
   */
  final LazyTimer stallTimer;

  private final boolean ownTimer;

  /**
   * @param sharedTimer the connection's stall timer, which calls {@link #checkStall} of each of its
   *     flows; null: the flow makes its own
   */
  ClientFlow(
      ProxySettings settings,
      RequestServices services,
      ClientChannel out,
      String clientIp,
      HeadTimer headTimer,
      LazyTimer sharedTimer) {
    this.settings = settings;
    this.services = services;
    this.out = out;
    this.http2 = out.http2();
    this.clientIp = clientIp;
    this.unrouted = RequestFacts.unrouted(clientIp);
    this.headTimer = headTimer;
    this.ownTimer = sharedTimer == null;
    this.stallTimer = ownTimer ? new LazyTimer(out.eventLoop(), this::checkStall) : sharedTimer;
  }

  /** The stall timer fired: the exchange checks its own deadlines. */
  final void checkStall() {
    if (exchange != null && state != ClientState.CLOSED) {
      exchange.checkStall();
    }
  }

  /** The flow is over for good: its own timer stops (a shared one goes on for the others). */
  final void stopTimer() {
    if (ownTimer) {
      stallTimer.cancel();
    }
  }

  /** Takes in the next request's head or body part, in order. */
  abstract void dispatch(HttpObject msg);

  // ---- local responses ----

  /**
   * Answers without an upstream. A small pending body is read and dropped so the connection can be
   * reused; a large or unknown one means the connection closes after the answer.
   */
  final void respondLocal(HttpRequest req, FullHttpResponse res) {
    responseStatus(res.status().code());
    logAccess(res.status().code(), res.content().readableBytes(), null);
    boolean keepAlive = LocalResponses.keepAlive(req, res, draining);
    out.write(res);
    out.flush();
    if (http2) {
      state = ClientState.DISCARDING;
      closeAfterDiscard = true;
      return;
    }
    // The rest of the request's body is read and dropped even when the connection closes after
    // the answer: closing with unread bytes resets the connection, and the client may lose the
    // answer it is still sending towards (a 413, a 401 on an upload).
    state = ClientState.DISCARDING;
    closeAfterDiscard = !keepAlive;
    body.startDiscarding();
    if (body.done()) {
      // The body already went by (held for an exchange a callout then refused): nothing to drop.
      afterLocalResponse();
    }
  }

  final void respondAndClose(FullHttpResponse res) {
    logAccess(res.status().code(), res.content().readableBytes(), null);
    res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    state = ClientState.CLOSED;
    pending.release();
    out.writeAndClose(res);
  }

  final void afterLocalResponse() {
    if (http2) {
      state = ClientState.CLOSED;
      return;
    }
    if (closeAfterDiscard || draining) {
      closeNow();
      return;
    }
    readyForNextRequest();
  }

  final void readyForNextRequest() {
    state = ClientState.IDLE;
    headTimer.awaitHead();
    HttpObject next;
    while ((next = pending.nextFor(state == ClientState.IDLE)) != null) {
      dispatch(next);
      if (state == ClientState.CLOSED) {
        pending.release();
        return;
      }
    }
    readMore();
  }

  // ---- the client side, as the exchange sees it ----

  @Override
  public ClientChannel channel() {
    return out;
  }

  @Override
  public boolean draining() {
    return draining;
  }

  @Override
  public void requestForwarded(boolean complete) {
    if (state != ClientState.CLOSED) {
      state = complete ? ClientState.AWAIT_RESPONSE : ClientState.STREAMING;
    }
  }

  @Override
  public void readMore() {
    boolean want =
        switch (state) {
          case IDLE -> pending.isEmpty();
          case DISCARDING -> true;
          case STREAMING -> exchange != null && exchange.upstreamWritable();
          default -> false;
        };
    if (want) {
      out.read();
    }
  }

  @Override
  public void checkWithin(long nanos) {
    if (nanos > 0) {
      // At most one wake-up per millisecond, however close the deadline.
      stallTimer.wakeWithin(Math.max(nanos, 1_000_000L));
    }
  }

  @Override
  public void responseStatus(int code) {
    request.count(services, code, http2);
  }

  @Override
  public void logAccess(int status, long bytes, HostPort upstream) {
    request.log(services, status, bytes, upstream);
  }

  @Override
  public ByteBufAllocator alloc() {
    return out.alloc();
  }

  @Override
  public void exchangeAnswered(Exchange ex, FullHttpResponse res, boolean requestComplete) {
    if (exchange != ex) {
      res.release();
      return;
    }
    exchange = null;
    if (http2 || !requestComplete || draining || !ex.clientKeepAlive()) {
      respondAndClose(res);
      return;
    }
    logAccess(res.status().code(), res.content().readableBytes(), null);
    out.write(res);
    out.flush();
    readyForNextRequest();
  }

  @Override
  public void exchangeDone(Exchange ex, boolean closeClient) {
    if (exchange != ex) {
      return;
    }
    exchange = null;
    if (http2) {
      state = ClientState.CLOSED;
      out.flush();
      return;
    }
    if (closeClient || draining) {
      state = ClientState.CLOSED;
      pending.release();
      out.flushAndClose();
      return;
    }
    out.flush();
    readyForNextRequest();
  }

  @Override
  public void exchangeAborted(Exchange ex) {
    if (exchange == ex) {
      exchange = null;
    }
    closeNow();
  }

  final void closeNow() {
    state = ClientState.CLOSED;
    pending.release();
    out.close();
  }

  @Override
  public void becomeTunnel(
      UpstreamPool.Lease upstream, io.netty.handler.codec.http.HttpResponse accept) {
    HeaderRewriter.upgradeResponse(accept);
    out.write(accept);
    out.flush();
    exchange = null;
    state = ClientState.CLOSED;
    pending.release();
    out.tunnel(upstream, settings.websocketIdle());
  }
}
