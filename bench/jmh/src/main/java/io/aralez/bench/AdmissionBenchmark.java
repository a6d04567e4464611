package io.aralez.bench;

import io.aralez.dataplane.admission.Admission;
import io.aralez.dataplane.admission.RequestAdmission;
import io.aralez.dataplane.admission.RequestServices;
import io.aralez.dataplane.config.MainConfig;
import io.aralez.dataplane.config.MainConfigParser;
import io.aralez.dataplane.config.ProxyConfig;
import io.aralez.dataplane.config.ProxySettings;
import io.aralez.dataplane.config.yaml.Problems;
import io.aralez.dataplane.logging.AccessLog;
import io.aralez.dataplane.metrics.ProxyMetrics;
import io.aralez.dataplane.proxy.NettyRequestHead;
import io.aralez.dataplane.request.RequestHead;
import io.aralez.dataplane.request.RequestTarget;
import io.aralez.dataplane.runtime.ActiveConfig;
import io.aralez.dataplane.source.file.UpstreamsParser;
import io.aralez.dataplane.upstream.BackendRegistry;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.file.Path;
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
 * Admission of a request on a route that uses no policy: what every request pays for the list of
 * admission steps. Run on two commits for an A/B of a new step (bench/README.md, "Admission").
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AdmissionBenchmark {
  RequestAdmission admission;
  ActiveConfig config;
  RequestHead head;
  RequestTarget target;

  @Setup
  public void setup() throws Exception {
    MainConfig main =
        MainConfigParser.parse(
            Path.of("main.yaml"),
            "proxy_address_http: 127.0.0.1:8080\nupstreams_conf: upstreams.yaml\n",
            new Problems());
    ProxyConfig routes =
        UpstreamsParser.parse(
            new UpstreamsParser.Source(
                "upstreams.yaml",
                "plain.test:\n  paths:\n    \"/\":\n      servers: [\"10.0.0.1:80\", \"10.0.0.2:80\"]\n"),
            List.of(),
            "bench",
            new Problems());
    config = ActiveConfig.compile(routes, new BackendRegistry(), new byte[16]);
    RequestServices services =
        RequestServices.from(main, new ProxyMetrics(), new AccessLog(main.accessLog()));
    admission = new RequestAdmission(services, ProxySettings.from(main, false));
    DefaultHttpRequest req =
        new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/shop/items/42?page=2");
    req.headers().set("host", "plain.test").set("user-agent", "bench").set("accept", "*/*");
    head = new NettyRequestHead(req);
    target = RequestTarget.parse(head);
  }

  @Benchmark
  public Admission plainRoute() {
    return admission.admit(config, head, target, "192.0.2.10");
  }
}
