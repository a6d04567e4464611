package io.aralez.dataplane.upstream;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.codec.http2.HttpConversionUtil.ExtensionHeaderNames;
import java.util.List;

/**
 * Netty's codec between an upstream HTTP/2 stream and the HTTP/1.1 objects the exchange relays,
 * without the {@code x-http2-*} fields its conversion adds to each response head (the stream id):
 * Netty's bookkeeping, never a client's business. They are removed here, where they appear, rather
 * than looked for in every response from every upstream. (Netty's conversion already drops such
 * names when an upstream sends them itself.)
 */
final class H2StreamToHttp1 extends Http2StreamFrameToHttpObjectCodec {
  private static final ExtensionHeaderNames[] EXTENSIONS = ExtensionHeaderNames.values();

  H2StreamToHttp1() {
    super(false);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, Http2StreamFrame frame, List<Object> out)
      throws Exception {
    int from = out.size();
    super.decode(ctx, frame, out);
    for (int i = from; i < out.size(); i++) {
      if (out.get(i) instanceof HttpMessage head) {
        for (ExtensionHeaderNames name : EXTENSIONS) {
          head.headers().remove(name.text());
        }
      }
    }
  }
}
