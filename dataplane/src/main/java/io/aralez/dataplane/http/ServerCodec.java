package io.aralez.dataplane.http;

import io.aralez.dataplane.net.DispatchClock;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.Ticker;
import java.util.ArrayDeque;
import java.util.List;

/**
 * HTTP/1.x server codec that, unlike Netty's default, refuses a request carrying both
 * Content-Length and Transfer-Encoding (a request-smuggling vector) instead of silently dropping
 * Content-Length, and that keeps the request methods so responses to HEAD are encoded without a
 * body.
 */
public final class ServerCodec extends OneHandlerCodec {
  /**
   * Told of each read before it is decoded, inside the read's clock window: the proxy's head
   * deadlines start at the first byte of a request, which only the codec's position sees.
   */
  public interface Reads {
    void arriving(ByteBuf bytes);
  }

  private final ArrayDeque<HttpMethod> methods = new ArrayDeque<>();
  private final Decoder decoder;
  private Reads reads;
  private Ticker ticker;

  public ServerCodec(HttpDecoderConfig config) {
    this(config, true);
  }

  /**
   * @param wholeRequests false: every request goes through Netty's decoder, none is read whole
   *     ({@link WholeRequest}; tests compare the two)
   */
  ServerCodec(HttpDecoderConfig config, boolean wholeRequests) {
    decoder =
        new Decoder(config, wholeRequests ? new WholeRequest(config.getMaxChunkSize()) : null);
    init(decoder, new Encoder());
  }

  /** {@code reads} is told of every read from now on (one observer). */
  public void observeReads(Reads reads) {
    this.reads = reads;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    ticker = ctx.executor().ticker();
  }

  /**
   * The first handler of an HTTP/1.x connection's reads (after TLS): opens the read's {@link
   * DispatchClock} window for everything the read sets off behind it.
   */
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    try (var clock = DispatchClock.open(ticker)) {
      if (reads != null && msg instanceof ByteBuf bytes) {
        reads.arriving(bytes);
      }
      super.channelRead(ctx, msg);
    }
  }

  /** See {@link InPlaceHead#startLineCapacity}. */
  int startLineCapacity() {
    return decoder.inPlace.startLineCapacity();
  }

  /**
   * Request decoder that fails ambiguous framing, checks each request line strictly ({@link
   * RequestLine}) and records each request's method.
   */
  final class Decoder extends HttpRequestDecoder {
    private final int maxInitialLine;
    // True between requests: the next bytes begin a request line.
    private boolean atLine = true;
    private boolean refused;
    private final InPlaceHead inPlace;
    private final InPlaceHead.NettyDecode netty = super::decode;

    Decoder(HttpDecoderConfig config, WholeRequest whole) {
      this(config, new InPlaceHead(config, whole));
    }

    private Decoder(HttpDecoderConfig config, InPlaceHead inPlace) {
      super(inPlace.decoderConfig(config));
      this.inPlace = inPlace;
      this.maxInitialLine = config.getMaxInitialLineLength();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out)
        throws Exception {
      if (refused) {
        buffer.skipBytes(buffer.readableBytes());
        return;
      }
      if (atLine && buffer.isReadable()) {
        int line = RequestLine.check(buffer, maxInitialLine);
        if (line == RequestLine.INCOMPLETE) {
          return;
        }
        if (line == RequestLine.INVALID) {
          // Answered 400 and closed like any decoder failure; nothing after it is read.
          refused = true;
          buffer.skipBytes(buffer.readableBytes());
          HttpRequest bad = (HttpRequest) createInvalidMessage();
          bad.setDecoderResult(
              DecoderResult.failure(new IllegalArgumentException("invalid request line")));
          methods.add(bad.method());
          out.add(bad);
          return;
        }
        // Checked once: Netty may take the line now and the headers only in a later read.
        atLine = false;
        // TOO_LONG is left to Netty, which answers 414.
        int before = out.size();
        if (line > 0 && inPlace.decode(ctx, buffer, line, netty, out)) {
          decoded(out, before);
          return;
        }
      }
      int before = out.size();
      super.decode(ctx, buffer, out);
      decoded(out, before);
    }

    private void decoded(List<Object> out, int from) {
      for (int i = from; i < out.size(); i++) {
        Object o = out.get(i);
        if (o instanceof HttpRequest req) {
          methods.add(req.method());
        }
        if (o instanceof LastHttpContent) {
          atLine = true;
        }
        if (o instanceof HttpObject m && m.decoderResult().isFailure()) {
          // Netty discards everything after a message it could not decode: so does the shortcut.
          refused = true;
        }
      }
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpMessage msg) {
      inPlace.headRead(msg);
      return super.isContentAlwaysEmpty(msg);
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
      throw new IllegalArgumentException("both Content-Length and Transfer-Encoding are present");
    }
  }

  /** Response encoder that knows which responses answer HEAD and so carry no body. */
  final class Encoder extends HttpResponseEncoder {
    private final HeadWriter head = new HeadWriter();

    @Override
    protected void encodeInitialLine(ByteBuf buf, HttpResponse message) throws Exception {
      if (!head.holdStartLine(message)) {
        super.encodeInitialLine(buf, message);
      }
    }

    @Override
    protected void encodeHeaders(HttpHeaders headers, ByteBuf buf) {
      if (!head.writeHeaders(headers, buf)) {
        super.encodeHeaders(headers, buf);
      }
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpResponse msg) {
      int code = msg.status().code();
      if (code >= 100 && code < 200) {
        // An interim response: the final one for the same request follows.
        return true;
      }
      HttpMethod method = methods.poll();
      return Methods.is(method, HttpMethod.HEAD) || super.isContentAlwaysEmpty(msg);
    }
  }
}
