package io.aralez.dataplane.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayDeque;
import java.util.List;

/**
 * HTTP/1.1 client codec for upstream connections: it treats a response with both Content-Length and
 * Transfer-Encoding as invalid (so it becomes a 502 and the connection is dropped), and it knows
 * that a response to HEAD has no body.
 */
public final class ClientCodec extends OneHandlerCodec {
  private final ArrayDeque<HttpMethod> methods = new ArrayDeque<>();

  public ClientCodec(HttpDecoderConfig config) {
    this(config, true);
  }

  /**
   * @param wholeResponses false: every response goes through Netty's decoder, none is read whole
   *     ({@link WholeResponse}; tests compare the two)
   */
  ClientCodec(HttpDecoderConfig config, boolean wholeResponses) {
    init(
        new Decoder(
            config, wholeResponses ? new WholeResponse(methods, config.getMaxChunkSize()) : null),
        new Encoder());
  }

  /** Response decoder. */
  final class Decoder extends HttpResponseDecoder {
    private final int maxInitialLine;
    // True between responses: the next bytes begin a status line.
    private boolean atLine = true;
    // After a response Netty could not decode it discards everything: so must the shortcut.
    private boolean failed;
    private final InPlaceHead inPlace;
    private final InPlaceHead.NettyDecode netty = super::decode;

    Decoder(HttpDecoderConfig config, WholeResponse whole) {
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
      int before = out.size();
      if (atLine && !failed && buffer.isReadable()) {
        atLine = false;
        int line = statusLine(buffer);
        if (line > 0 && inPlace.decode(ctx, buffer, line, netty, out)) {
          decoded(out, before);
          return;
        }
      }
      super.decode(ctx, buffer, out);
      decoded(out, before);
    }

    private void decoded(List<Object> out, int from) {
      for (int i = from; i < out.size(); i++) {
        Object o = out.get(i);
        if (o instanceof LastHttpContent) {
          atLine = true;
        }
        if (o instanceof HttpObject m && m.decoderResult().isFailure()) {
          failed = true;
        }
      }
    }

    /**
     * The bytes a status line starting right here takes with its CRLF, or -1 when there is none
     * whole (the head is then left to Netty's decoder alone).
     */
    private int statusLine(ByteBuf buffer) {
      int start = buffer.readerIndex();
      if (buffer.readableBytes() < 5
          || buffer.getInt(start) != HTTP_
          || buffer.getByte(start + 4) != '/') {
        return -1;
      }
      int lf =
          buffer.indexOf(
              start, Math.min(buffer.writerIndex(), start + maxInitialLine + 2), (byte) '\n');
      return lf < 0 || buffer.getByte(lf - 1) != '\r' ? -1 : lf + 1 - start;
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpMessage msg) {
      inPlace.headRead(msg);
      int code = ((HttpResponse) msg).status().code();
      if (code >= 100 && code < 200) {
        return true;
      }
      return Methods.is(methods.poll(), HttpMethod.HEAD) || super.isContentAlwaysEmpty(msg);
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
      throw new IllegalArgumentException("both Content-Length and Transfer-Encoding are present");
    }
  }

  private static final int HTTP_ = ('H' << 24) | ('T' << 16) | ('T' << 8) | 'P';

  /** Request encoder that records each request's method for the decoder. */
  final class Encoder extends HttpRequestEncoder {
    private final HeadWriter head = new HeadWriter();

    @Override
    protected void encodeInitialLine(ByteBuf buf, HttpRequest message) throws Exception {
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
    protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out)
        throws Exception {
      if (msg instanceof HttpRequest req) {
        methods.add(req.method());
      }
      super.encode(ctx, msg, out);
    }
  }
}
