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

  /**
   * A browser's request as it reaches an ingress: ~1 KB of headers, most of it cookies and client
   * hints, none of them touched by the proxy.
   */
  private static final String BROWSER_REQUEST =
      "GET /api/items/42?x=1 HTTP/1.1\r\n"
          + "Host: shop.example.com\r\n"
          + "Connection: keep-alive\r\n"
          + "sec-ch-ua: \"Chromium\";v=\"131\", \"Not_A Brand\";v=\"24\"\r\n"
          + "sec-ch-ua-mobile: ?0\r\n"
          + "sec-ch-ua-platform: \"Linux\"\r\n"
          + "Upgrade-Insecure-Requests: 1\r\n"
          + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
          + " Chrome/131.0.0.0 Safari/537.36\r\n"
          + "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,"
          + "image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7\r\n"
          + "Sec-Fetch-Site: same-origin\r\n"
          + "Sec-Fetch-Mode: navigate\r\n"
          + "Sec-Fetch-User: ?1\r\n"
          + "Sec-Fetch-Dest: document\r\n"
          + "Referer: https://shop.example.com/api/items?page=3&sort=price\r\n"
          + "Accept-Encoding: gzip, deflate, br, zstd\r\n"
          + "Accept-Language: en-GB,en-US;q=0.9,en;q=0.8,de;q=0.7\r\n"
          + "Cookie: _ga=GA1.1.1234567890.1733300000; _ga_ABCDEF1234=GS1.1.1733300000.4.1."
          + "1733300500.0.0.0; session=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFt"
          + "ZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c; theme=dark; "
          + "consent=necessary%2Canalytics; cart=7f3a9c1e-5b2d-4e8f-a1c3-9d7e6f5a4b3c\r\n"
          + "If-None-Match: W/\"5d8-18c7a3f2b40\"\r\n"
          + "\r\n";

  /** What an application server answers a browser with: caching, security and cookie headers. */
  private static final String BROWSER_RESPONSE =
      "HTTP/1.1 200 OK\r\n"
          + "Server: nginx\r\n"
          + "Date: Tue, 01 Dec 2026 12:00:00 GMT\r\n"
          + "Content-Type: text/html; charset=utf-8\r\n"
          + "Content-Length: 100\r\n"
          + "Connection: keep-alive\r\n"
          + "Cache-Control: private, max-age=0, must-revalidate\r\n"
          + "ETag: W/\"5d8-18c7a3f2b41\"\r\n"
          + "Vary: Accept-Encoding, Cookie\r\n"
          + "Strict-Transport-Security: max-age=31536000; includeSubDomains\r\n"
          + "X-Content-Type-Options: nosniff\r\n"
          + "X-Frame-Options: SAMEORIGIN\r\n"
          + "Referrer-Policy: strict-origin-when-cross-origin\r\n"
          + "Set-Cookie: session=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dGVzdA;"
          + " Path=/; HttpOnly; Secure; SameSite=Lax\r\n"
          + "\r\n"
          + "ok backend-1 "
          + "x".repeat(87);

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
  private ByteBuf browserRequest;
  private ByteBuf browserResponse;
  private EmbeddedChannel client;
  private EmbeddedChannel upstream;
  private ProxyMetrics metrics;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    request = Unpooled.unreleasableBuffer(bytes(REQUEST));
    response = Unpooled.unreleasableBuffer(bytes(RESPONSE));
    browserRequest = Unpooled.unreleasableBuffer(bytes(BROWSER_REQUEST));
    browserResponse = Unpooled.unreleasableBuffer(bytes(BROWSER_RESPONSE));

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
    String sent = exchangeChecked(request, response);
    String browser = exchangeChecked(browserRequest, browserResponse);
    if (!browser.contains("cart=7f3a9c1e-5b2d-4e8f-a1c3-9d7e6f5a4b3c\r\n")) {
      throw new IllegalStateException("unexpected upstream request:\n" + browser);
    }
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

  /** The same with a browser's ~1 KB of request headers and a response with 13 headers. */
  @Benchmark
  public int proxiedBrowserRequest() {
    client.writeInbound(browserRequest.duplicate());
    int out = drain(upstream);
    upstream.writeInbound(browserResponse.duplicate());
    return out + drain(client);
  }

  private String exchangeChecked(ByteBuf req, ByteBuf res) {
    client.writeInbound(req.duplicate());
    String sent = read(upstream);
    upstream.writeInbound(res.duplicate());
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
