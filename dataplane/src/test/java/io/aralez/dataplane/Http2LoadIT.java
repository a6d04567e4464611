package io.aralez.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aralez.dataplane.testing.FastBackend;
import io.aralez.dataplane.testing.H2Client;
import io.aralez.dataplane.testing.ProxyHarness;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTP/2 under load (h2load) and under a rapid-reset flood. */
class Http2LoadIT {
  @TempDir static Path dir;
  static FastBackend backend;
  static ProxyHarness proxy;

  @BeforeAll
  static void start() throws Exception {
    backend = new FastBackend();
    proxy =
        ProxyHarness.startWithTls(
            dir,
            "",
            "provider: file\nDEFAULT:\n  paths:\n    \"/\": {servers: [\""
                + backend.address()
                + "\"]}\n");
  }

  @AfterAll
  static void stop() {
    proxy.close();
    backend.close();
  }

  /** h2load is Debian's nghttp2-client; .ci/run installs it. */
  static String h2load(String url) throws Exception {
    Process p =
        new ProcessBuilder("h2load", "-n", "5000", "-c", "50", "-m", "10", url)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  @Test
  void h2loadOverTlsAndH2cCompletesWithoutErrors() throws Exception {
    for (String url :
        List.of("https://127.0.0.1:" + proxy.tlsPort() + "/load", proxy.base() + "/load")) {
      String out = h2load(url);
      assertThat(out)
          .as(out)
          .contains(
              "requests: 5000 total, 5000 started, 5000 done, 5000 succeeded, 0 failed, 0 errored")
          .contains("status codes: 5000 2xx");
    }
  }

  @Test
  @Tag("catalogue-2.5")
  void rapidResetFloodLosesItsConnectionOthersAreServed() throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      Channel conn =
          H2Client.connect(group, proxy.port(), Http2FrameCodecBuilder.forClient().build());
      int sent = 0;
      long start = System.nanoTime();
      // Open a stream and reset it at once, again and again (CVE-2023-44487).
      while (conn.isActive() && sent < 5000) {
        io.netty.util.concurrent.Future<Http2StreamChannel> opened =
            new Http2StreamChannelBootstrap(conn)
                .handler(
                    new ChannelInboundHandlerAdapter() {
                      @Override
                      public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ReferenceCountUtil.release(msg);
                      }
                    })
                .open()
                .awaitUninterruptibly();
        if (!opened.isSuccess()) {
          break; // the proxy closed the connection: what this test waits for
        }
        Http2StreamChannel stream = opened.getNow();
        DefaultHttp2Headers h = new DefaultHttp2Headers();
        h.method("GET").path("/flood").scheme("http").authority("flood.test");
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(h, false));
        stream.close();
        sent++;
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> !conn.isActive());
      assertThat(sent).isLessThan(5000);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    } finally {
      group.shutdownGracefully().syncUninterruptibly();
    }
    String out = h2load(proxy.base() + "/after");
    assertThat(out).contains("5000 succeeded, 0 failed, 0 errored");
  }
}
