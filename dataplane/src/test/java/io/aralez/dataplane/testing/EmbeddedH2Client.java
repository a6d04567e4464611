package io.aralez.dataplane.testing;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2ChannelDuplexHandler;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2WindowUpdateFrame;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An HTTP/2 client on Netty's own frame codec, wired byte for byte to an {@link EmbeddedProxy}
 * started with HTTP/2: both ends speak real HTTP/2 (preface, SETTINGS, HPACK, flow control) on one
 * thread with no sockets.
 */
public final class EmbeddedH2Client implements AutoCloseable {
  /** A frame the client received. */
  public record Got(
      int stream, String type, Http2Headers headers, String data, boolean end, long code) {
    @Override
    public String toString() {
      return stream
          + " "
          + type
          + (headers != null ? " " + headers : "")
          + (data != null ? " '" + data + "'" : "")
          + (end ? " END" : "")
          + (type.equals("RST_STREAM") ? " " + code : "");
    }
  }

  private final EmbeddedProxy proxy;
  private final Http2FrameCodec codec = Http2FrameCodecBuilder.forClient().build();
  private final Http2ChannelDuplexHandler collector =
      new Http2ChannelDuplexHandler() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
          record(msg);
          ReferenceCountUtil.release(msg);
        }
      };
  private final EmbeddedChannel channel;
  private final List<Got> got = new ArrayList<>();

  public EmbeddedH2Client(EmbeddedProxy proxy) {
    this.proxy = proxy;
    this.channel = new EmbeddedChannel(codec, collector);
    pump();
  }

  private void record(Object msg) {
    if (msg instanceof Http2HeadersFrame h) {
      got.add(new Got(h.stream().id(), "HEADERS", h.headers(), null, h.isEndStream(), 0));
    } else if (msg instanceof Http2DataFrame d) {
      got.add(
          new Got(
              d.stream().id(),
              "DATA",
              null,
              d.content().toString(StandardCharsets.ISO_8859_1),
              d.isEndStream(),
              0));
      // The client reads everything at once: its window goes back to the proxy.
      if (d.initialFlowControlledBytes() > 0) {
        channel.write(
            new io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame(
                    d.initialFlowControlledBytes())
                .stream(d.stream()));
      }
    } else if (msg instanceof Http2ResetFrame r) {
      got.add(new Got(r.stream().id(), "RST_STREAM", null, null, false, r.errorCode()));
    } else if (msg instanceof Http2WindowUpdateFrame w && w.stream() != null) {
      got.add(
          new Got(w.stream().id(), "WINDOW_UPDATE", null, null, false, w.windowSizeIncrement()));
    }
  }

  /** Opens a stream with a request head; more header pairs may follow. */
  public Http2FrameStream open(
      String method, String path, String authority, boolean end, String... headers) {
    Http2Headers h =
        new DefaultHttp2Headers().method(method).path(path).scheme("http").authority(authority);
    for (int i = 0; i < headers.length; i += 2) {
      h.add(headers[i], headers[i + 1]);
    }
    Http2FrameStream s = collector.newStream();
    channel.writeAndFlush(new DefaultHttp2HeadersFrame(h, end).stream(s));
    pump();
    return s;
  }

  public void data(Http2FrameStream s, String body, boolean end) {
    channel.writeAndFlush(
        new DefaultHttp2DataFrame(Unpooled.copiedBuffer(body, StandardCharsets.ISO_8859_1), end)
            .stream(s));
    pump();
  }

  public void trailers(Http2FrameStream s, String... headers) {
    Http2Headers h = new DefaultHttp2Headers();
    for (int i = 0; i < headers.length; i += 2) {
      h.add(headers[i], headers[i + 1]);
    }
    channel.writeAndFlush(new DefaultHttp2HeadersFrame(h, true).stream(s));
    pump();
  }

  public void reset(Http2FrameStream s) {
    channel.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL).stream(s));
    pump();
  }

  /** Moves bytes both ways until neither side has more to say. */
  public void pump() {
    for (int round = 0; round < 50; round++) {
      boolean moved = false;
      Object o;
      while ((o = channel.readOutbound()) != null) {
        proxy.client.writeInbound(o);
        moved = true;
      }
      proxy.settle();
      while ((o = proxy.client.readOutbound()) != null) {
        channel.writeInbound(o);
        moved = true;
      }
      channel.runPendingTasks();
      channel.flushOutbound();
      if (!moved) {
        return;
      }
    }
  }

  /** The frames received on stream {@code s} since the last call for it. */
  public List<Got> frames(Http2FrameStream s) {
    pump();
    List<Got> mine = new ArrayList<>();
    got.removeIf(
        g -> {
          if (g.stream() == s.id()) {
            mine.add(g);
            return true;
          }
          return false;
        });
    return mine;
  }

  @Override
  public void close() {
    channel.finishAndReleaseAll();
  }
}
