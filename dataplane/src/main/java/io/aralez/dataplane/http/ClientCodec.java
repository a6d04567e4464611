package io.aralez.dataplane.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import java.util.ArrayDeque;
import java.util.List;

/**
 * HTTP/1.1 client codec for upstream connections: it treats a response with both Content-Length and
 * Transfer-Encoding as invalid (so it becomes a 502 and the connection is dropped), and it knows
 * that a response to HEAD has no body.
 */
public final class ClientCodec
    extends CombinedChannelDuplexHandler<ClientCodec.Decoder, ClientCodec.Encoder> {
  private final ArrayDeque<HttpMethod> methods = new ArrayDeque<>();

  public ClientCodec(HttpDecoderConfig config) {
    init(new Decoder(config), new Encoder());
  }

  /** Response decoder. */
  final class Decoder extends HttpResponseDecoder {
    Decoder(HttpDecoderConfig config) {
      super(config);
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpMessage msg) {
      int code = ((HttpResponse) msg).status().code();
      if (code >= 100 && code < 200) {
        return true;
      }
      HttpMethod method = methods.poll();
      return HttpMethod.HEAD.equals(method) || super.isContentAlwaysEmpty(msg);
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
      throw new IllegalArgumentException("both Content-Length and Transfer-Encoding are present");
    }
  }

  /** Request encoder that records each request's method for the decoder. */
  final class Encoder extends HttpRequestEncoder {
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
