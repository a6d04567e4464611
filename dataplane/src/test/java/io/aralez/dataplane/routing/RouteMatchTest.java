package io.aralez.dataplane.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.dataplane.config.HostPort;
import io.aralez.dataplane.config.Match;
import io.aralez.dataplane.config.ProxyConfig;
import io.aralez.dataplane.config.ProxyConfig.AuthPolicy;
import io.aralez.dataplane.config.ProxyConfig.Backend;
import io.aralez.dataplane.config.ProxyConfig.Header;
import io.aralez.dataplane.config.ProxyConfig.Route;
import io.aralez.dataplane.config.ProxyConfig.VirtualHost;
import io.aralez.dataplane.proxy.NettyRequestHead;
import io.aralez.dataplane.request.RequestHead;
import io.aralez.dataplane.upstream.BackendRegistry;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Exact paths, method/header/query conditions and weights: what the controller's routes need. */
class RouteMatchTest {
  static Route route(String path, Match match, String tag, Backend... backends) {
    return new Route(
        "h.test",
        path,
        List.of(backends),
        false,
        false,
        null,
        null,
        null,
        List.of(new Header("X-Tag", tag)),
        List.of(),
        AuthPolicy.NONE,
        null,
        match,
        null,
        301,
        null,
        io.aralez.dataplane.config.UpstreamOptions.DEFAULT);
  }

  static Backend b(int port, long weight) {
    return new Backend(HostPort.parse("10.0.0.1:" + port), weight);
  }

  static Router router(Route... routes) {
    ProxyConfig c =
        new ProxyConfig(
            "t",
            "1",
            ProxyConfig.StickySessions.OFF,
            List.of(new VirtualHost("h.test", List.of(routes))));
    BackendRegistry registry = new BackendRegistry();
    registry.sync(c);
    return Router.compile(c, registry::get, StickyIds.DEFAULT_KEY);
  }

  static RequestHead req(HttpMethod m, String uri, String... headers) {
    HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, m, uri);
    for (int i = 0; i < headers.length; i += 2) {
      r.headers().add(headers[i], headers[i + 1]);
    }
    return new NettyRequestHead(r);
  }

  static String tag(RouteEntry e) {
    return e == null ? "404" : e.route().serverHeaders().get(0).value();
  }

  @Test
  @Tag("catalogue-2.3")
  void exactWinsOverPrefixOfTheSamePathAndIsByteExact() {
    Router r =
        router(
            route("/foo", Match.PREFIX, "prefix", b(1, 1)),
            route("/foo", Match.EXACT, "exact", b(2, 1)));
    assertThat(tag(r.route("h.test", "/foo", req(HttpMethod.GET, "/foo")))).isEqualTo("exact");
    assertThat(tag(r.route("h.test", "/foo/", req(HttpMethod.GET, "/foo/")))).isEqualTo("prefix");
    assertThat(tag(r.route("h.test", "/foo/x", req(HttpMethod.GET, "/foo/x")))).isEqualTo("prefix");
    Router exactOnly = router(route("/foo", Match.EXACT, "exact", b(2, 1)));
    assertThat(tag(exactOnly.route("h.test", "/FOO", req(HttpMethod.GET, "/FOO"))))
        .isEqualTo("404");
    assertThat(tag(exactOnly.route("h.test", "/foo/", req(HttpMethod.GET, "/foo/"))))
        .isEqualTo("404");
  }

  @Test
  void conditionsAreTriedMostSpecificFirstThenShorterPrefixes() {
    Router r =
        router(
            route(
                "/api",
                new Match(false, "GET", List.of(new Header("x-env", "canary")), List.of()),
                "get-canary",
                b(1, 1)),
            route(
                "/api",
                new Match(false, null, List.of(new Header("x-env", "canary")), List.of()),
                "canary",
                b(2, 1)),
            route(
                "/api",
                new Match(false, null, List.of(), List.of(new Header("v", "2"))),
                "v2",
                b(3, 1)),
            route("/", Match.PREFIX, "root", b(4, 1)));
    assertThat(tag(r.route("h.test", "/api/x", req(HttpMethod.GET, "/api/x", "X-Env", "canary"))))
        .isEqualTo("get-canary");
    assertThat(tag(r.route("h.test", "/api/x", req(HttpMethod.POST, "/api/x", "X-Env", "canary"))))
        .isEqualTo("canary");
    assertThat(tag(r.route("h.test", "/api", req(HttpMethod.GET, "/api?a=1&v=2")))).isEqualTo("v2");
    assertThat(tag(r.route("h.test", "/api", req(HttpMethod.GET, "/api?v=3")))).isEqualTo("root");
    assertThat(tag(r.route("h.test", "/api", req(HttpMethod.GET, "/api", "X-Env", "prod"))))
        .isEqualTo("root");
    assertThat(tag(r.route("h.test", "/api", null))).isEqualTo("root");
  }

  @Test
  void aHeaderPatternMatchesItsRegexAnywhereInAnyValueOfTheHeader() {
    Router r =
        router(
            route(
                "/",
                new Match(
                    false,
                    null,
                    List.of(),
                    List.of(),
                    null,
                    List.of(),
                    List.of(
                        new io.aralez.dataplane.config.HeaderPattern(
                            "x-region", "eu-(west|north)"))),
                "eu",
                b(1, 1)),
            route("/", Match.PREFIX, "rest", b(2, 1)));
    assertThat(tag(r.route("h.test", "/", req(HttpMethod.GET, "/", "X-Region", "eu-west-1"))))
        .isEqualTo("eu");
    assertThat(tag(r.route("h.test", "/", req(HttpMethod.GET, "/", "X-Region", "zone eu-north"))))
        .as("found anywhere, as ingress-nginx's ngx.re.match")
        .isEqualTo("eu");
    assertThat(tag(r.route("h.test", "/", req(HttpMethod.GET, "/", "X-Region", "us-east-1"))))
        .isEqualTo("rest");
    assertThat(tag(r.route("h.test", "/", req(HttpMethod.GET, "/")))).isEqualTo("rest");
    assertThat(new io.aralez.dataplane.config.HeaderPattern("a", "x+"))
        .isEqualTo(new io.aralez.dataplane.config.HeaderPattern("a", "x+"));
  }

  @Test
  void weightsShareRequestsAndWeightZeroGetsNone() {
    Router r = router(route("/", Match.PREFIX, "w", b(1, 90), b(2, 10), b(3, 0)));
    RouteEntry e = r.route("h.test", "/", req(HttpMethod.GET, "/"));
    Map<Integer, Integer> counts = new HashMap<>();
    for (int i = 0; i < 1000; i++) {
      counts.merge(e.backend(e.pick()).address().port(), 1, Integer::sum);
    }
    assertThat(counts).containsOnlyKeys(1, 2);
    assertThat(counts.get(1)).isEqualTo(900);
    assertThat(counts.get(2)).isEqualTo(100);
    // Spread, not in blocks: among any 20 consecutive picks the small backend appears.
    int longestRun = 0;
    int run = 0;
    for (int i = 0; i < 200; i++) {
      run = e.backend(e.pick()).address().port() == 1 ? run + 1 : 0;
      longestRun = Math.max(longestRun, run);
    }
    assertThat(longestRun).isLessThan(20);
  }

  @Test
  void equalWeightsAreRoundRobin() {
    Router r = router(route("/", Match.PREFIX, "w", b(1, 5), b(2, 5), b(3, 5)));
    RouteEntry e = r.route("h.test", "/", req(HttpMethod.GET, "/"));
    int a = e.pick();
    assertThat(List.of(e.pick(), e.pick())).doesNotContain(a);
  }

  @Test
  void everyRouteHasItsEntryById() {
    Route exact = route("/foo", Match.EXACT, "exact", b(2, 1));
    Route prefix = route("/foo", Match.PREFIX, "prefix", b(1, 1));
    Router r = router(prefix, exact);
    assertThat(r.entry(exact).route()).isSameAs(exact);
    assertThat(r.entry(prefix).route()).isSameAs(prefix);
    assertThat(exact.id()).isNotEqualTo(prefix.id());
  }
}
