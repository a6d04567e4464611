package io.aralez.bench;

import io.aralez.dataplane.config.HostPort;
import io.aralez.dataplane.config.ProxyConfig;
import io.aralez.dataplane.config.ProxyConfig.AuthPolicy;
import io.aralez.dataplane.config.ProxyConfig.Backend;
import io.aralez.dataplane.config.ProxyConfig.Route;
import io.aralez.dataplane.config.ProxyConfig.VirtualHost;
import io.aralez.dataplane.proxy.NettyRequestHead;
import io.aralez.dataplane.request.RequestHead;
import io.aralez.dataplane.routing.RouteEntry;
import io.aralez.dataplane.runtime.ActiveConfig;
import io.aralez.dataplane.upstream.BackendRegistry;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Route lookup: must not get slower with the number of routes (10 vs 10,000 hosts). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RouterBenchmark {
  @Param({"10", "10000"})
  int hosts;

  ActiveConfig active;
  RequestHead request;
  String lastHost;
  int next;
  String[] names;

  static Route route(String host, String path, int i) {
    return new Route(
        host,
        path,
        List.of(new Backend(HostPort.parse("10.0." + (i % 250) + ".1:8080"))),
        false,
        false,
        null,
        null,
        null,
        List.of(),
        List.of(),
        AuthPolicy.NONE,
        null);
  }

  @Setup
  public void setup() {
    List<VirtualHost> vhosts = new ArrayList<>();
    names = new String[hosts];
    for (int i = 0; i < hosts; i++) {
      String h = "host-" + i + ".example.com";
      names[i] = h;
      vhosts.add(
          new VirtualHost(
              h, List.of(route(h, "/", i), route(h, "/api", i), route(h, "/api/v1", i))));
    }
    vhosts.add(new VirtualHost("*.wild.example.com", List.of(route("*.wild.example.com", "/", 0))));
    vhosts.add(new VirtualHost("DEFAULT", List.of(route("DEFAULT", "/", 0))));
    ProxyConfig config = new ProxyConfig("bench", "1", ProxyConfig.StickySessions.OFF, vhosts);
    BackendRegistry registry = new BackendRegistry();
    registry.sync(config);
    active = ActiveConfig.compile(config, registry, new byte[16]);
    request =
        new NettyRequestHead(
            new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/api/v1/items/42"));
  }

  @Benchmark
  public RouteEntry exactHostLongestPrefix() {
    String host = names[next++ % names.length];
    return active.router().route(host, "/api/v1/items/42", request);
  }

  @Benchmark
  public RouteEntry wildcardHost() {
    return active.router().route("shop.wild.example.com", "/cart", request);
  }

  @Benchmark
  public RouteEntry unknownHostToDefault() {
    return active.router().route("nobody.example.org", "/x/y/z", request);
  }
}
