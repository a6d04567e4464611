package io.aralez.dataplane.proxy;

import io.aralez.dataplane.admission.RequestServices;
import io.aralez.dataplane.config.MainConfig;
import io.aralez.dataplane.config.MainConfigParser;
import io.aralez.dataplane.config.ProxyConfig;
import io.aralez.dataplane.config.ProxySettings;
import io.aralez.dataplane.config.yaml.Problems;
import io.aralez.dataplane.logging.AccessLog;
import io.aralez.dataplane.metrics.ProxyMetrics;
import io.aralez.dataplane.runtime.Candidate;
import io.aralez.dataplane.runtime.ConfigHolder;
import io.aralez.dataplane.runtime.ConfigIntake;
import io.aralez.dataplane.server.Pipelines;
import io.aralez.dataplane.source.file.UpstreamsParser;
import io.aralez.dataplane.upstream.UpstreamPool;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One proxied keep-alive request through the real client pipeline ({@code Pipelines.installHttp1}:
 * head timer, HTTP codec, ProxyHandler, Exchange, pooled upstream connection with its codec), every
 * channel an EmbeddedChannel: request bytes in on the client side, the encoded upstream request
 * out, the backend's response bytes in, the response bytes out to the client. No sockets, so this
 * is the user-space cost per request that the harness's CPU µs/req contains besides the kernel's.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PipelineBenchmark {
  private static final String REQUEST =
      "GET /api/items/42?x=1 HTTP/1.1\r\n"
          + "Host: shop.example.com\r\n"
          + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) Chrome/120 Safari/537.36\r\n"
          + "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
          + "Accept-Encoding: gzip, deflate, br\r\n"
          + "Accept-Language: en-US,en;q=0.5\r\n"
          + "Cookie: session=abc123; theme=dark\r\n"
          + "\r\n";
  private static final String RESPONSE =
      "HTTP/1.1 200 OK\r\n"
          + "Server: nginx\r\n"
          + "Date: Tue, 01 Dec 2026 12:00:00 GMT\r\n"
          + "Content-Type: text/plain\r\n"
          + "Content-Length: 100\r\n"
          + "Connection: keep-alive\r\n"
          + "\r\n"
          + "ok backend-1 "
          + "x".repeat(87);

  private ByteBuf request;
  private ByteBuf response;
  private EmbeddedChannel client;
  private EmbeddedChannel upstream;
  private ProxyMetrics metrics;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    request = Unpooled.unreleasableBuffer(bytes(REQUEST));
    response = Unpooled.unreleasableBuffer(bytes(RESPONSE));

    MainConfig main =
        MainConfigParser.parse(
            java.nio.file.Path.of("main.yaml"),
            "proxy_address_http: 127.0.0.1:8080\nupstreams_conf: upstreams.yaml\n",
            new Problems());
    ConfigHolder holder = new ConfigHolder();
    ConfigIntake intake = new ConfigIntake(holder);
    ProxyConfig routes =
        UpstreamsParser.parse(
            new UpstreamsParser.Source(
                "upstreams.yaml",
                "shop.example.com:\n  paths:\n    \"/\":\n      servers: [\"127.0.0.1:18081\"]\n"),
            List.of(),
            "bench",
            new Problems());
    intake.offer(Candidate.of(Candidate.Kind.FILE, "bench", routes, List.of()));
    metrics = new ProxyMetrics();
    metrics.bind(intake, java.util.EnumSet.of(Candidate.Kind.FILE));
    RequestServices services = RequestServices.from(main, metrics, new AccessLog(main.accessLog()));
    ProxySettings settings = ProxySettings.from(main, false);
    // The dialer hands out one in-memory upstream; after the first exchange it stays pooled and
    // every further request reuses it, as a keep-alive upstream connection does.
    UpstreamPool pool =
        new UpstreamPool(
            (loop, address, alpn, sni, timeout) -> {
              upstream = new EmbeddedChannel();
              upstream.config().setAutoRead(false);
              return upstream.eventLoop().<Channel>newSucceededFuture(upstream);
            },
            settings);
    client =
        new EmbeddedChannel() {
          @Override
          protected java.net.SocketAddress remoteAddress0() {
            return new InetSocketAddress("198.51.100.7", 40000);
          }
        };
    client.config().setAutoRead(false);
    // The same composition as the proxy's plain listener.
    new Pipelines(main.limits(), main.http2(), settings, holder, pool, services)
        .installHttp1(client.pipeline());
    client.pipeline().fireChannelActive();

    // One checked round trip: the benchmark measures a request that really got proxied.
    String sent = exchangeChecked();
    if (!sent.startsWith("GET /api/items/42?x=1 HTTP/1.1")
        || !sent.toLowerCase().contains("x-forwarded-for: 198.51.100.7")) {
      throw new IllegalStateException("unexpected upstream request:\n" + sent);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    client.finishAndReleaseAll();
    if (upstream != null) {
      upstream.finishAndReleaseAll();
    }
  }

  @Benchmark
  public int proxiedRequest() {
    client.writeInbound(request.duplicate());
    int out = drain(upstream);
    upstream.writeInbound(response.duplicate());
    return out + drain(client);
  }

  private String exchangeChecked() {
    client.writeInbound(request.duplicate());
    String sent = read(upstream);
    upstream.writeInbound(response.duplicate());
    String got = read(client);
    if (!got.startsWith("HTTP/1.1 200") || !got.endsWith("x".repeat(87))) {
      throw new IllegalStateException("unexpected client response:\n" + got);
    }
    return sent;
  }

  private static int drain(EmbeddedChannel ch) {
    int n = 0;
    Object o;
    while ((o = ch.readOutbound()) != null) {
      if (o instanceof ByteBuf b) {
        n += b.readableBytes();
      }
      ReferenceCountUtil.release(o);
    }
    return n;
  }

  private static String read(EmbeddedChannel ch) {
    StringBuilder b = new StringBuilder();
    Object o;
    while ((o = ch.readOutbound()) != null) {
      if (o instanceof ByteBuf buf) {
        b.append(buf.toString(StandardCharsets.ISO_8859_1));
      }
      ReferenceCountUtil.release(o);
    }
    return b.toString();
  }

  private static ByteBuf bytes(String s) {
    return Unpooled.directBuffer().writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
  }
}
