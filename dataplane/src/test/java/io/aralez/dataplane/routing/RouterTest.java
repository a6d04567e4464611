package io.aralez.dataplane.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.dataplane.config.HostPort;
import io.aralez.dataplane.config.ProxyConfig;
import io.aralez.dataplane.config.ProxyConfig.AuthPolicy;
import io.aralez.dataplane.config.ProxyConfig.Backend;
import io.aralez.dataplane.config.ProxyConfig.Route;
import io.aralez.dataplane.config.ProxyConfig.VirtualHost;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouterTest {
  static Route route(String host, String path, String... servers) {
    List<Backend> backends = new ArrayList<>();
    for (String s : servers) {
      backends.add(new Backend(HostPort.parse(s)));
    }
    return new Route(
        host, path, backends, true, false, null, null, null, List.of(), List.of(), AuthPolicy.NONE);
  }

  static Router router(VirtualHost... hosts) {
    return Router.compile(
        new ProxyConfig("t", "1", ProxyConfig.StickySessions.OFF, List.of(hosts)));
  }

  static String path(RouteEntry e) {
    return e == null ? null : e.route().host() + e.route().path();
  }

  @Test
  void exactThenWildcardThenDefault() {
    Router r =
        router(
            new VirtualHost("a.example.com", List.of(route("a.example.com", "/"))),
            new VirtualHost("*.example.com", List.of(route("*.example.com", "/"))),
            new VirtualHost("DEFAULT", List.of(route("DEFAULT", "/"))));
    assertThat(path(r.route("a.example.com", "/"))).isEqualTo("a.example.com/");
    assertThat(path(r.route("b.example.com", "/"))).isEqualTo("*.example.com/");
    assertThat(path(r.route("x.b.example.com", "/"))).isEqualTo("DEFAULT/");
    assertThat(path(r.route("example.com", "/"))).isEqualTo("DEFAULT/");
    assertThat(path(r.route(null, "/"))).isEqualTo("DEFAULT/");
  }

  @Test
  void noDefaultMeansNoMatch() {
    Router r = router(new VirtualHost("a.test", List.of(route("a.test", "/"))));
    assertThat(r.route("b.test", "/")).isNull();
  }

  @Test
  void longestPrefixOnSegmentBoundaries() {
    Router r =
        router(
            new VirtualHost(
                "h",
                List.of(
                    route("h", "/"),
                    route("h", "/foo"),
                    route("h", "/foo/bar"),
                    route("h", "/baz"))));
    assertThat(path(r.route("h", "/foo"))).isEqualTo("h/foo");
    assertThat(path(r.route("h", "/foo/"))).isEqualTo("h/foo");
    assertThat(path(r.route("h", "/foo/x"))).isEqualTo("h/foo");
    assertThat(path(r.route("h", "/foo/bar/x/y"))).isEqualTo("h/foo/bar");
    assertThat(path(r.route("h", "/foobar"))).isEqualTo("h/");
    assertThat(path(r.route("h", "/"))).isEqualTo("h/");
    Router noRoot = router(new VirtualHost("h", List.of(route("h", "/baz"))));
    assertThat(noRoot.route("h", "/bazooka")).isNull();
    assertThat(noRoot.route("h", "/")).isNull();
  }

  @Test
  void roundRobinAndRetryPick() {
    RouteEntry e =
        router(
                new VirtualHost(
                    "h", List.of(route("h", "/", "10.0.0.1:1", "10.0.0.2:1", "10.0.0.3:1"))))
            .route("h", "/");
    List<String> picked = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      picked.add(e.nextBackend().address().host());
    }
    assertThat(picked)
        .containsExactly("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.1", "10.0.0.2", "10.0.0.3");
    Backend failed = e.nextBackend();
    assertThat(e.otherBackend(failed)).isNotEqualTo(failed);
    RouteEntry none = router(new VirtualHost("h", List.of(route("h", "/")))).route("h", "/");
    assertThat(none.nextBackend()).isNull();
  }

  @Test
  void lookupCostDoesNotDependOnRouteCount() {
    List<VirtualHost> hosts = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      hosts.add(new VirtualHost("h" + i + ".test", List.of(route("h" + i + ".test", "/p" + i))));
    }
    Router r = router(hosts.toArray(VirtualHost[]::new));
    assertThat(path(r.route("h9999.test", "/p9999/x"))).isEqualTo("h9999.test/p9999");
  }
}
