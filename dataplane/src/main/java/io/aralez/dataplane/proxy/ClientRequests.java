package io.aralez.dataplane.proxy;

import io.aralez.dataplane.admission.RequestServices;
import io.aralez.dataplane.config.ProxySettings;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requests of one HTTP/1.x connection or one HTTP/2 stream: each head is checked, {@link
 * RequestAdmission} says what to do with it, local verdicts are answered here and the rest goes to
 * an {@link Exchange}, which talks back through {@link ClientSide}. Reads are explicit: the client
 * is read only while its data has somewhere to go, and pipelined requests wait in {@link Pipelined}
 * until the previous response is done. Fed by a Netty handler ({@link ProxyHandler} or {@link
 * H2Connection}); all state is touched only from the client's event loop.
 */
final class ClientRequests extends ClientFlow {
  private static final Logger LOG = LoggerFactory.getLogger(ClientRequests.class);

  private final RequestStart start;

  ClientRequests(
      ProxySettings settings,
      RequestServices services,
      RequestStart start,
      ClientChannel out,
      String clientIp,
      HeadTimer headTimer,
      LazyTimer sharedTimer) {
    super(settings, services, out, clientIp, headTimer, sharedTimer);
    this.start = start;
  }

  /** A request head or body part from the client, in the order sent. */
  void receive(Object msg) {
    if (state == ClientState.CLOSED || !(msg instanceof HttpObject obj)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (!pending.isEmpty() || (obj instanceof HttpRequest && state != ClientState.IDLE)) {
      // Pipelined: answered in order once the current exchange is done.
      pending.add(obj);
      return;
    }
    dispatch(obj);
  }

  /** The end of a round of reads: what went upstream is flushed, and more is read if it may. */
  void readComplete() {
    if (exchange != null) {
      exchange.flushUpstream();
    }
    out.flush();
    readMore();
  }

  /** The client may have become writable: the response can be read on. */
  void writabilityChanged() {
    if (exchange != null && out.writable()) {
      exchange.resumeUpstreamReads();
    }
  }

  /** The client went away (the connection closed, or the stream was reset). */
  void closed() {
    stopTimer();
    state = ClientState.CLOSED;
    if (exchange != null) {
      exchange.abort();
      exchange = null;
    }
    pending.release();
  }

  /** Graceful shutdown: the connection closes once it is idle. */
  void drain() {
    draining = true;
    if (state == ClientState.IDLE && pending.isEmpty()) {
      out.close();
    }
  }

  boolean finished() {
    return state == ClientState.CLOSED;
  }

  // ---- request side ----

  @Override
  void dispatch(HttpObject msg) {
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
    boolean overLimit = body.add(content, exchange == null ? -1 : exchange.bodyLimit());
    if (content.decoderResult().isFailure()) {
      LOG.debug("malformed request body from {}: {}", clientIp, content.decoderResult().cause());
      refuseBody(content, HttpResponseStatus.BAD_REQUEST);
      return;
    }
    if (overLimit) {
      // A chunked (or HTTP/2) body over the route's limit: counted as it streams, never held.
      start.exchanges().metrics().rejected("body_size");
      refuseBody(content, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
      return;
    }
    switch (state) {
      case CONNECTING, STREAMING -> exchange.onRequestContent(content);
      case DISCARDING -> {
        boolean tooMuch = body.discard(content);
        content.release();
        if (content instanceof LastHttpContent) {
          afterLocalResponse();
        } else if (tooMuch) {
          closeNow();
        }
      }
      default -> content.release();
    }
  }

  /**
   * A body that cannot go on: the decoder could not read it (a bad chunk size, a chunk not followed
   * by CRLF... it ends the body with a failed last part, which must never reach the upstream as a
   * clean end), or it grew past the route's limit. The upstream request is abandoned unfinished;
   * the client gets {@code status} if nothing was answered yet, and the connection closes because
   * the rest of its bytes cannot be framed.
   */
  private void refuseBody(HttpContent content, HttpResponseStatus status) {
    boolean last = content instanceof LastHttpContent;
    content.release();
    boolean answered = state == ClientState.DISCARDING;
    if (exchange != null) {
      answered |= exchange.responseStarted();
      exchange.abort();
      exchange = null;
    }
    if (answered) {
      closeNow();
      return;
    }
    FullHttpResponse res = LocalResponses.status(out.alloc(), status);
    if (status == HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE && !http2) {
      // The body is well framed, only too long: read the rest of it and drop it before closing,
      // so the client is not reset while it still sends and reads the 413.
      logAccess(status.code(), res.content().readableBytes(), null);
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      out.write(res);
      out.flush();
      state = ClientState.DISCARDING;
      closeAfterDiscard = true;
      body.startDiscarding();
      if (last) {
        afterLocalResponse();
      }
      return;
    }
    respondAndClose(res);
  }

  private void onRequestHead(HttpRequest req) {
    request = RequestRecord.start(req.method().name(), req.uri(), unrouted);
    body.reset();
    if (headTimer != null) {
      headTimer.headReceived();
    }
    RequestStart.Plan plan = start.plan(req, this, clientIp, out.alloc());
    request = request.admitted(plan.facts());
    if (plan instanceof RequestStart.Plan.Forward forward) {
      forward(req, forward);
    } else if (plan instanceof RequestStart.Plan.Answer answer) {
      respondLocal(req, answer.response());
    } else {
      respondAndClose(((RequestStart.Plan.Refuse) plan).response());
    }
  }

  private void forward(HttpRequest req, RequestStart.Plan.Forward plan) {
    Exchange ex = plan.exchange();
    exchange = ex;
    // Until the exchange starts, request content is buffered by it (and no more is read).
    state = ClientState.CONNECTING;
    if (plan.callout() == null) {
      ex.start();
      return;
    }
    plan.callout().run(out.alloc(), (done, refusal) -> afterCallout(done, req, refusal));
  }

  /** A callout decided: start the exchange, or answer in its place. Loop thread. */
  private void afterCallout(Exchange ex, HttpRequest req, FullHttpResponse refusal) {
    if (exchange != ex || state == ClientState.CLOSED) {
      ReferenceCountUtil.release(refusal);
      return;
    }
    if (refusal == null) {
      ex.start();
      return;
    }
    ex.abort();
    exchange = null;
    respondLocal(req, refusal);
  }
}
