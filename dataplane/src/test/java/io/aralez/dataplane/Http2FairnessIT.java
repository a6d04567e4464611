package io.aralez.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.aralez.dataplane.testing.H2Client;
import io.aralez.dataplane.testing.ProxyHarness;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 flow control per stream: a stream whose reader stops must not stall the other streams of
 * its connection. The client gives the connection a large window and each stream a small one, then
 * stops reading a large download; a small request on the same connection must still complete, and
 * the large one must complete too once read again.
 */
class Http2FairnessIT {
  static final int BIG = 32 * 1024 * 1024;
  @TempDir static Path dir;
  static HttpServer backend;
  static ProxyHarness proxy;
  static final AtomicLong bigWritten = new AtomicLong();

  @BeforeAll
  static void start() throws Exception {
    backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    backend.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    backend.createContext(
        "/big",
        ex -> {
          ex.sendResponseHeaders(200, BIG);
          byte[] chunk = new byte[16 * 1024];
          try (OutputStream out = ex.getResponseBody()) {
            for (int sent = 0; sent < BIG; sent += chunk.length) {
              out.write(chunk);
              bigWritten.addAndGet(chunk.length);
            }
          }
        });
    backend.createContext(
        "/small",
        ex -> {
          byte[] ok = "ok".getBytes(StandardCharsets.US_ASCII);
          ex.sendResponseHeaders(200, ok.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(ok);
          }
        });
    backend.start();
    proxy =
        ProxyHarness.start(
            dir,
            "",
            "provider: file\nDEFAULT:\n  paths:\n    \"/\": {servers: [\"127.0.0.1:"
                + backend.getAddress().getPort()
                + "\"]}\n");
  }

  @AfterAll
  static void stop() {
    proxy.close();
    backend.stop(0);
  }

  /** Counts a stream's body bytes and notes its end. */
  static final class Reader extends ChannelInboundHandlerAdapter {
    final AtomicLong bytes = new AtomicLong();
    final AtomicBoolean ended = new AtomicBoolean();
    volatile String status;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Http2HeadersFrame h) {
        status = String.valueOf(h.headers().status());
        ended.compareAndSet(false, h.isEndStream());
      } else if (msg instanceof Http2DataFrame d) {
        bytes.addAndGet(d.content().readableBytes());
        if (d.isEndStream()) {
          ended.set(true);
        }
      }
      ReferenceCountUtil.release(msg);
    }
  }

  static Http2StreamChannel get(Channel conn, String path, Reader reader, boolean autoRead) {
    Http2StreamChannel s =
        new Http2StreamChannelBootstrap(conn)
            .option(ChannelOption.AUTO_READ, autoRead)
            .handler(reader)
            .open()
            .syncUninterruptibly()
            .getNow();
    DefaultHttp2Headers h = new DefaultHttp2Headers();
    h.method("GET").path(path).scheme("http").authority("fair.test");
    s.writeAndFlush(new DefaultHttp2HeadersFrame(h, true));
    return s;
  }

  @Test
  @Tag("catalogue-2.5")
  void aStalledStreamDoesNotStallItsSiblings() throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      Channel conn =
          H2Client.connect(
              group,
              proxy.port(),
              Http2FrameCodecBuilder.forClient()
                  .initialSettings(Http2Settings.defaultSettings().initialWindowSize(65_535))
                  .build());
      // A large connection window, so only the stalled stream's own window can stop it.
      conn.writeAndFlush(new DefaultHttp2WindowUpdateFrame(64 * 1024 * 1024)).sync();

      Reader big = new Reader();
      Http2StreamChannel bigStream = get(conn, "/big", big, false);
      // The download is under way and held back by the client's stream window: the proxy stops
      // reading the backend, whose writes then block.
      await().atMost(Duration.ofSeconds(30)).until(() -> bigWritten.get() >= 256 * 1024);
      assertThat(big.ended).isFalse();

      Reader small = new Reader();
      get(conn, "/small", small, true);
      await().atMost(Duration.ofSeconds(30)).until(small.ended::get);
      assertThat(small.status).isEqualTo("200");
      assertThat(small.bytes.get()).isEqualTo(2);
      assertThat(bigWritten.get()).as("the stalled download was held back").isLessThan(BIG);

      // Reading again resumes the stalled stream to its end, nothing lost.
      bigStream.config().setAutoRead(true);
      bigStream.read();
      await().atMost(Duration.ofSeconds(60)).until(big.ended::get);
      assertThat(big.bytes.get()).isEqualTo(BIG);
      assertThat(big.status).isEqualTo("200");
    } finally {
      group.shutdownGracefully().syncUninterruptibly();
    }
  }
}
