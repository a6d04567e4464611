package io.aralez.dataplane.proxy;

import io.aralez.dataplane.config.ProxyConfig.Header;
import io.aralez.dataplane.request.RequestTarget;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The request head the proxy sends upstream: hop-by-hop removal, X-Forwarded-*, configured headers;
 * and parsing the client's target (host, canonical path). Both run once per request.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HeaderRewriterBenchmark {
  HttpRequest browser;
  List<Header> serverHeaders;
  ClientTraits traits;

  @Setup
  public void setup() {
    browser = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/api/v1/items/42?x=1");
    browser
        .headers()
        .add("Host", "shop.example.com")
        .add(
            "User-Agent",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36")
        .add("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
        .add("Accept-Language", "en-US,en;q=0.5")
        .add("Accept-Encoding", "gzip, deflate, br")
        .add("Connection", "keep-alive")
        .add("Cookie", "session=abc123; theme=dark; backend_id=0123456789abcdef")
        .add("Upgrade-Insecure-Requests", "1")
        .add("Sec-Fetch-Dest", "document")
        .add("Sec-Fetch-Mode", "navigate")
        .add("X-Forwarded-For", "198.51.100.7");
    serverHeaders = List.of(new Header("X-Forwarded-Port", "443"), new Header("X-Site", "shop"));
    // Read once per request before the rewrite (RequestStart); the copying variant leaves the
    // client's head as it is, so once here.
    traits = ClientTraits.of(browser, false);
  }

  @Benchmark
  public HttpRequest upstreamRequestHead() {
    return HeaderRewriter.upstreamRequest(
        browser,
        traits,
        false,
        "/api/v1/items/42?x=1",
        "shop.example.com",
        "203.0.113.9",
        "203.0.113.9",
        false,
        true,
        serverHeaders);
  }

  @Benchmark
  public RequestTarget parseTarget() {
    return RequestTarget.parse(new NettyRequestHead(browser));
  }
}
