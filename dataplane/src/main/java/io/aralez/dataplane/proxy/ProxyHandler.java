package io.aralez.dataplane.proxy;

import io.aralez.dataplane.admission.RequestServices;
import io.aralez.dataplane.config.ProxySettings;
import io.aralez.dataplane.runtime.ConfigHolder;
import io.aralez.dataplane.upstream.UpstreamPool;
import io.netty.channel.ChannelHandlerContext;
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
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of the proxy for one HTTP/1.x connection or one HTTP/2 stream. It checks each
 * request head, asks {@link RequestAdmission} what to do with it, answers local verdicts itself and
 * hands the rest to an {@link Exchange}, which talks back through {@link ClientSide}. Reads are
 * explicit (AUTO_READ is off): the client is read only while its data has somewhere to go, and
 * pipelined requests wait in {@link Pipelined} until the previous response is done. All state is
 * touched only from this channel's event loop.
 */
public final class ProxyHandler extends ClientConnection {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyHandler.class);

  /** Sent through the pipeline to start a graceful drain of this connection. */
  public static final Object DRAIN = new Object();

  private final RequestStart start;

  public ProxyHandler(
      ConfigHolder holder, ProxySettings settings, UpstreamPool pool, RequestServices services) {
    super(settings, services);
    this.start = RequestStart.of(holder, settings, pool, services);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    clientIp = ClientAddress.of(ctx.channel(), http2);
    ctx.read();
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
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

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (exchange != null) {
      exchange.flushUpstream();
    }
    ctx.flush();
    readMore();
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
    state = ClientState.CLOSED;
    if (exchange != null) {
      exchange.abort();
      exchange = null;
    }
    pending.release();
    ctx.fireChannelInactive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == DRAIN) {
      draining = true;
      if (state == ClientState.IDLE && pending.isEmpty()) {
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
    FullHttpResponse res = LocalResponses.status(ctx.alloc(), status);
    if (status == HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE && !http2) {
      // The body is well framed, only too long: read the rest of it and drop it before closing,
      // so the client is not reset while it still sends and reads the 413.
      logAccess(status.code(), res.content().readableBytes(), null);
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(res);
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
    request = RequestRecord.start(req.method().name(), req.uri(), clientIp);
    body.reset();
    if (headTimer != null) {
      headTimer.headReceived();
    }
    RequestStart.Plan plan = start.plan(req, this, clientIp, ctx.alloc());
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
    plan.callout().run(ctx.alloc(), (done, refusal) -> afterCallout(done, req, refusal));
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
