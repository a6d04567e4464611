package io.aralez.dataplane.proxy;

import io.aralez.dataplane.admission.RequestServices;
import io.aralez.dataplane.config.ProxySettings;
import io.aralez.dataplane.http.H2RequestHeads;
import io.aralez.dataplane.net.DispatchClock;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2FrameStreamEvent;
import io.netty.handler.codec.http2.Http2FrameStreamException;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.collection.IntObjectHashMap;
import java.io.IOException;
import java.util.ArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's end of an HTTP/2 client connection, right behind Netty's frame codec: one handler for
 * all its streams, each a {@link H2Stream} with its own {@link ClientRequests}. There is no child
 * channel or pipeline per stream: a stream's HEADERS become the request head its flow reads (and
 * the upstream head is rewritten from it in place), its DATA frames body parts, and the response
 * goes back as frames directly. Per-stream backpressure is the client's flow-control window, given
 * back as each flow reads ({@link H2Stream#read}). Event loop only.
 */
public final class H2Connection extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(H2Connection.class);

  private final ProxySettings settings;
  private final RequestServices services;
  private final RequestStart start;
  private final IntObjectHashMap<H2Stream> streams = new IntObjectHashMap<>();

  /** Streams that took frames in this round of reads; they are flushed upstream at its end. */
  private final ArrayList<H2Stream> touched = new ArrayList<>();

  /**
   * One stall timer for all the streams: a timer per stream would be scheduled and cancelled per
   * request, and one left scheduled holds its whole stream until it fires.
   */
  private LazyTimer stalls;

  private ChannelHandlerContext ctx;
  private Http2Connection codec;
  private String clientIp;
  private boolean reading;
  private boolean flushPending;

  H2Connection(ProxySettings settings, RequestServices services, RequestStart start) {
    this.settings = settings;
    this.services = services;
    this.start = start;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.codec = ctx.pipeline().get(Http2FrameCodec.class).connection();
    this.clientIp = ClientAddress.of(ctx.channel());
    this.stalls = new LazyTimer(ctx.executor(), this::checkStalls);
  }

  private void checkStalls() {
    for (H2Stream s : streams.values().toArray(new H2Stream[0])) {
      s.requests.checkStall();
    }
  }

  Channel channel() {
    return ctx.channel();
  }

  // ---- frames from the client ----

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    reading = true;
    if (msg instanceof Http2HeadersFrame || msg instanceof Http2DataFrame) {
      try (var clock = DispatchClock.open(ctx.executor().ticker())) {
        if (msg instanceof Http2HeadersFrame headers) {
          onHeaders(headers);
        } else {
          onData((Http2DataFrame) msg);
        }
      }
    } else if (msg instanceof Http2ResetFrame rst) {
      H2Stream s = streams.remove(rst.stream().id());
      if (s != null) {
        s.gone();
      }
    } else {
      // SETTINGS, PING, GOAWAY, WINDOW_UPDATE: the codec has acted on them already.
      ReferenceCountUtil.release(msg);
    }
  }

  private void onHeaders(Http2HeadersFrame frame) {
    int id = frame.stream().id();
    H2Stream s = streams.get(id);
    if (s == null) {
      open(frame);
      return;
    }
    touch(s);
    if (!frame.isEndStream()) {
      // A second HEADERS is trailers, and trailers end the stream.
      refuse(s.frameStream(), "trailers without END_STREAM", null);
      return;
    }
    LastHttpContent last = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, true);
    try {
      HttpConversionUtil.addHttp2ToHttpHeaders(
          id, frame.headers(), last.trailingHeaders(), HttpVersion.HTTP_1_1, true, true);
    } catch (Http2Exception | RuntimeException e) {
      refuse(s.frameStream(), "bad trailers", e);
      return;
    }
    s.receive(last, 0, true);
  }

  private void open(Http2HeadersFrame frame) {
    Http2FrameStream stream = frame.stream();
    HttpRequest req;
    try {
      req = H2RequestHeads.toRequest(stream.id(), frame.headers());
    } catch (Http2Exception | RuntimeException e) {
      refuse(stream, "request head", e);
      return;
    }
    boolean last = frame.isEndStream();
    if (!last && !HttpUtil.isContentLengthSet(req)) {
      // A body of unknown length goes to an HTTP/1.1 upstream chunked.
      req.headers().add(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    H2Stream s = new H2Stream(this, stream);
    s.requests = new ClientRequests(settings, services, start, s, clientIp, null, stalls);
    streams.put(stream.id(), s);
    touch(s);
    s.receive(req, 0, false);
    if (last) {
      s.receive(LastHttpContent.EMPTY_LAST_CONTENT, 0, true);
    }
  }

  private void onData(Http2DataFrame frame) {
    H2Stream s = streams.get(frame.stream().id());
    int bytes = frame.initialFlowControlledBytes();
    if (s == null) {
      frame.release();
      consume(frame.stream(), bytes);
      return;
    }
    touch(s);
    boolean last = frame.isEndStream();
    s.receive(
        last
            ? new DefaultLastHttpContent(frame.content())
            : new DefaultHttpContent(frame.content()),
        bytes,
        last);
  }

  private void refuse(Http2FrameStream stream, String what, Throwable cause) {
    LOG.debug("HTTP/2 stream {} from {} refused: {}", stream.id(), clientIp, what, cause);
    H2Stream s = streams.remove(stream.id());
    if (s != null) {
      s.gone();
    }
    reset(stream, Http2Error.PROTOCOL_ERROR);
  }

  private void touch(H2Stream s) {
    if (!s.touched) {
      s.touched = true;
      touched.add(s);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    for (int i = 0; i < touched.size(); i++) {
      H2Stream s = touched.get(i);
      s.touched = false;
      s.requests.readComplete();
    }
    touched.clear();
    reading = false;
    if (flushPending) {
      flushPending = false;
      ctx.flush();
    }
  }

  // ---- stream and connection events ----

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof Http2FrameStreamEvent e) {
      int id = e.stream().id();
      H2Stream s = streams.get(id);
      if (s == null) {
        return;
      }
      if (e.type() == Http2FrameStreamEvent.Type.Writability) {
        s.requests.writabilityChanged();
      } else if (e.stream().state() == Http2Stream.State.CLOSED) {
        streams.remove(id);
        // A stream closed by its own last frame goes on to its flow's normal end; any other
        // closing (the connection failed the stream, a reset) ends the flow here.
        if (!s.responseEnded()) {
          s.gone();
        }
      }
      return;
    }
    if (evt == ProxyHandler.DRAIN) {
      // GOAWAY, and the streams in flight finish (the codec's graceful close).
      ctx.channel().close();
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      for (H2Stream s : streams.values().toArray(new H2Stream[0])) {
        s.requests.writabilityChanged();
      }
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    stalls.cancel();
    H2Stream[] open = streams.values().toArray(new H2Stream[0]);
    streams.clear();
    for (H2Stream s : open) {
      s.gone();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof Http2FrameStreamException e) {
      // A stream error the codec leaves to the stream's owner (a malformed head, a bad
      // WINDOW_UPDATE, a body longer than its content-length): the stream is reset and its flow
      // ends. Such resets count against the connection's reset budget (ResetGuard).
      LOG.debug("HTTP/2 stream {} from {}: {}", e.stream().id(), clientIp, e.getCause().toString());
      H2Stream s = streams.remove(e.stream().id());
      if (s != null) {
        s.gone();
      }
      reset(e.stream(), e.error());
      return;
    }
    if (cause instanceof IOException || cause instanceof Http2Exception) {
      // Connection errors: the codec sends GOAWAY and closes by itself.
      LOG.debug("HTTP/2 connection {}: {}", clientIp, cause.toString());
      return;
    }
    LOG.warn("HTTP/2 connection {} failed", ctx.channel().remoteAddress(), cause);
    ctx.close();
  }

  // ---- writes, for the streams ----

  boolean writable(Http2FrameStream stream) {
    if (!ctx.channel().isWritable()) {
      return false;
    }
    Http2Stream s = codec.stream(stream.id());
    return s != null && codec.remote().flowController().isWritable(s);
  }

  void write(Object frame) {
    ctx.write(frame, ctx.voidPromise());
  }

  ChannelFuture writeWithFuture(Object frame) {
    ChannelFuture f = ctx.write(frame);
    flushSoon();
    return f;
  }

  /** Gives {@code bytes} of a stream's DATA back to the client's windows. */
  void consume(Http2FrameStream stream, int bytes) {
    if (bytes > 0) {
      write(new DefaultHttp2WindowUpdateFrame(bytes).stream(stream));
      flushSoon();
    }
  }

  void reset(Http2FrameStream stream, Http2Error error) {
    write(new DefaultHttp2ResetFrame(error).stream(stream));
    flushSoon();
  }

  /**
   * Inside a round of reads, one flush at its end; otherwise (a response arriving from upstream)
   * once per round of the event loop for all the connection's streams ({@link ParentFlush}).
   */
  void flushSoon() {
    if (reading) {
      flushPending = true;
    } else {
      ParentFlush.later(ctx.channel());
    }
  }
}
