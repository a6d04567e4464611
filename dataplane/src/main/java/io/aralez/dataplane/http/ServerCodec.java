package io.aralez.dataplane.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import java.util.ArrayDeque;
import java.util.List;

/**
 * HTTP/1.x server codec that, unlike Netty's default, refuses a request carrying both
 * Content-Length and Transfer-Encoding (a request-smuggling vector) instead of silently dropping
 * Content-Length, and that keeps the request methods so responses to HEAD are encoded without a
 * body.
 */
public final class ServerCodec
    extends CombinedChannelDuplexHandler<ServerCodec.Decoder, ServerCodec.Encoder> {
  private final ArrayDeque<HttpMethod> methods = new ArrayDeque<>();

  public ServerCodec(HttpDecoderConfig config) {
    init(new Decoder(config), new Encoder());
  }

  /** Request decoder that fails ambiguous framing and records each request's method. */
  final class Decoder extends HttpRequestDecoder {
    Decoder(HttpDecoderConfig config) {
      super(config);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out)
        throws Exception {
      int before = out.size();
      super.decode(ctx, buffer, out);
      for (int i = before; i < out.size(); i++) {
        if (out.get(i) instanceof HttpRequest req) {
          methods.add(req.method());
        }
      }
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
      throw new IllegalArgumentException("both Content-Length and Transfer-Encoding are present");
    }
  }

  /** Response encoder that knows which responses answer HEAD and so carry no body. */
  final class Encoder extends HttpResponseEncoder {
    @Override
    protected boolean isContentAlwaysEmpty(HttpResponse msg) {
      int code = msg.status().code();
      if (code >= 100 && code < 200) {
        // An interim response: the final one for the same request follows.
        return true;
      }
      HttpMethod method = methods.poll();
      return HttpMethod.HEAD.equals(method) || super.isContentAlwaysEmpty(msg);
    }
  }
}
