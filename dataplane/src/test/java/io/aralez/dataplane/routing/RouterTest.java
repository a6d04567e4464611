package io.aralez.dataplane.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.dataplane.config.HostPort;
import io.aralez.dataplane.config.ProxyConfig;
import io.aralez.dataplane.config.ProxyConfig.AuthPolicy;
import io.aralez.dataplane.config.ProxyConfig.Backend;
import io.aralez.dataplane.config.ProxyConfig.Route;
import io.aralez.dataplane.config.ProxyConfig.VirtualHost;
import io.aralez.dataplane.upstream.BackendRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouterTest {
  static final ProxyConfig.StickySessions ON = new ProxyConfig.StickySessions(true, null);

  static Route route(String host, String path, String... servers) {
    List<Backend> backends = new ArrayList<>();
    for (String s : servers) {
      backends.add(new Backend(HostPort.parse(s)));
    }
    return Route.plain(host, path, backends);
  }

  static Router router(VirtualHost... hosts) {
    return router(ProxyConfig.StickySessions.OFF, hosts);
  }

  static Router router(ProxyConfig.StickySessions sticky, VirtualHost... hosts) {
    ProxyConfig c = new ProxyConfig("t", "1", sticky, List.of(hosts));
    BackendRegistry registry = new BackendRegistry();
    registry.sync(c);
    return Router.compile(c, registry::get, StickyIds.DEFAULT_KEY);
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
    // Prefixes of 63 characters and more share one length bit: each is still found, by its name.
    String longA = "/" + "a".repeat(70);
    String longB = "/" + "b".repeat(62);
    Router longOnes =
        router(new VirtualHost("h", List.of(route("h", longA), route("h", longB + "/c"))));
    assertThat(path(longOnes.route("h", longA + "/x/y"))).isEqualTo("h" + longA);
    assertThat(path(longOnes.route("h", longB + "/c/d"))).isEqualTo("h" + longB + "/c");
    assertThat(longOnes.route("h", longB + "/d")).isNull();
    assertThat(longOnes.route("h", "/" + "a".repeat(69))).isNull();
  }

  @Test
  void roundRobinSkipsUnhealthyBackends() {
    RouteEntry e =
        router(
                new VirtualHost(
                    "h", List.of(route("h", "/", "10.0.0.1:1", "10.0.0.2:1", "10.0.0.3:1"))))
            .route("h", "/");
    List<String> picked = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      picked.add(e.backend(e.pick()).address().host());
    }
    assertThat(picked)
        .containsExactly("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.1", "10.0.0.2", "10.0.0.3");
    e.state(1).markConnectFailure("refused", true);
    for (int i = 0; i < 6; i++) {
      assertThat(e.pick()).isNotEqualTo(1);
    }
    assertThat(e.pickExcept(0)).isEqualTo(2);
    e.state(0).markConnectFailure("refused", true);
    e.state(2).markConnectFailure("refused", true);
    assertThat(e.pick()).isEqualTo(-1);
    RouteEntry none = router(new VirtualHost("h", List.of(route("h", "/")))).route("h", "/");
    assertThat(none.pick()).isEqualTo(-1);
  }

  @Test
  void routesWithoutHealthChecksIgnoreHealth() {
    Route r =
        new Route(
            "h",
            "/",
            List.of(new Backend(HostPort.parse("10.0.0.1:1"))),
            false,
            false,
            null,
            null,
            null,
            List.of(),
            List.of(),
            AuthPolicy.NONE,
            null);
    RouteEntry e = router(new VirtualHost("h", List.of(r))).route("h", "/");
    e.state(0).markConnectFailure("refused", false);
    assertThat(e.pick()).isZero();
  }

  @Test
  void stickyIdsAreStableOpaqueAndPerRoute() {
    RouteEntry a =
        router(ON, new VirtualHost("h", List.of(route("h", "/", "10.0.0.1:1", "10.0.0.2:1"))))
            .route("h", "/");
    RouteEntry again =
        router(ON, new VirtualHost("h", List.of(route("h", "/", "10.0.0.2:1", "10.0.0.1:1"))))
            .route("h", "/");
    assertThat(a.stickyId(0)).isEqualTo(again.stickyId(1)).doesNotContain("10.0.0.1").hasSize(32);
    assertThat(a.stickyId(0)).isNotEqualTo(a.stickyId(1));
    RouteEntry other =
        router(ON, new VirtualHost("h", List.of(route("h", "/x", "10.0.0.1:1")))).route("h", "/x");
    assertThat(other.stickyId(0)).isNotEqualTo(a.stickyId(0));
    assertThat(a.bySticky(a.stickyId(1))).isEqualTo(1);
    assertThat(a.bySticky("nope")).isEqualTo(-1);
    a.state(1).markConnectFailure("refused", true);
    assertThat(a.bySticky(a.stickyId(1))).isEqualTo(-1);
    // Without sticky sessions no id is computed at all.
    assertThat(
            router(new VirtualHost("h", List.of(route("h", "/", "10.0.0.1:1"))))
                .route("h", "/")
                .stickyId(0))
        .isNull();
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
