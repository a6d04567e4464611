package io.aralez.dataplane.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.dataplane.config.ProxyConfig.AuthPolicy;
import io.aralez.dataplane.config.ProxyConfig.Backend;
import io.aralez.dataplane.config.ProxyConfig.Header;
import io.aralez.dataplane.config.ProxyConfig.Route;
import io.aralez.dataplane.config.ProxyConfig.StickySessions;
import io.aralez.dataplane.config.ProxyConfig.VirtualHost;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("catalogue-2.13")
class ConfigValidatorTest {
  private static Route route(String host, String path) {
    return Route.plain(host, path, List.of(new Backend(HostPort.parse("127.0.0.1:80"))));
  }

  private static List<String> problems(boolean operator, VirtualHost... hosts) {
    return ConfigValidator.problems(
        new ProxyConfig("t", "v", StickySessions.OFF, List.of(hosts)), operator);
  }

  private static List<String> problemsOf(UnaryOperator<Route> change) {
    return problems(true, new VirtualHost("a.test", List.of(change.apply(route("a.test", "/x")))));
  }

  private static Route with(
      Route r,
      String redirectTo,
      List<Header> server,
      AuthPolicy auth,
      Integer directStatus,
      int code,
      UpstreamOptions t) {
    return new Route(
        r.host(),
        r.path(),
        r.backends(),
        true,
        false,
        redirectTo,
        null,
        null,
        server,
        List.of(),
        auth,
        null,
        Match.PREFIX,
        directStatus,
        code,
        null,
        t);
  }

  @Test
  void aGoodConfigHasNoProblems() {
    assertThat(
            problems(
                false,
                new VirtualHost("a.test", List.of(route("a.test", "/"), route("a.test", "/api"))),
                new VirtualHost("*.wild.test", List.of(route("*.wild.test", "/"))),
                new VirtualHost("DEFAULT", List.of(route("DEFAULT", "/")))))
        .isEmpty();
  }

  @Test
  void everyRuleNamesWhereItWasBroken() {
    assertThat(problems(true, new VirtualHost("Bad Host", List.of())))
        .singleElement()
        .asString()
        .contains("Bad Host");
    assertThat(
            problems(
                true, new VirtualHost("a.test", List.of()), new VirtualHost("a.test", List.of())))
        .singleElement()
        .asString()
        .contains("defined twice");
    assertThat(
            problems(
                true,
                new VirtualHost("a.test", List.of(route("a.test", "/x"), route("a.test", "/x")))))
        .singleElement()
        .asString()
        .contains("same requests");
    assertThat(problems(true, new VirtualHost("a.test", List.of(route("b.test", "/")))))
        .singleElement()
        .asString()
        .contains("belongs to host b.test");
    for (String path : new String[] {"x", "/a b", "/a;b", "/x/"}) {
      assertThat(problems(true, new VirtualHost("a.test", List.of(route("a.test", path)))))
          .as(path)
          .isNotEmpty();
    }
    UpstreamOptions d = UpstreamOptions.DEFAULT;
    AuthPolicy none = AuthPolicy.NONE;
    assertThat(problemsOf(r -> with(r, "/relative", List.of(), none, null, 301, d)))
        .singleElement()
        .asString()
        .contains("not an absolute http(s) URL");
    assertThat(problemsOf(r -> with(r, null, List.of(), none, null, 200, d)))
        .singleElement()
        .asString()
        .contains("redirect code 200");
    assertThat(problemsOf(r -> with(r, null, List.of(), none, 302, 301, d)))
        .singleElement()
        .asString()
        .contains("not an error status");
    assertThat(
            problemsOf(
                r -> with(r, null, List.of(), none, null, 301, new UpstreamOptions(null, null, 9))))
        .singleElement()
        .asString()
        .contains("connect attempts 9");
    assertThat(
            problemsOf(
                r -> with(r, null, List.of(new Header("Content-Length", "1")), none, null, 301, d)))
        .singleElement()
        .asString()
        .contains("managed by the proxy");
    assertThat(
            problemsOf(
                r ->
                    with(
                        r,
                        null,
                        List.of(),
                        new AuthPolicy(AuthPolicy.Type.FORWARD, List.of("ftp://x")),
                        null,
                        301,
                        d)))
        .singleElement()
        .asString()
        .contains("forward auth");
  }

  @Test
  void onlyOperatorWrittenConfigsMaySetTheUpstreamHost() {
    VirtualHost h =
        new VirtualHost(
            "a.test",
            List.of(
                with(
                    route("a.test", "/"),
                    null,
                    List.of(new Header("Host", "internal")),
                    AuthPolicy.NONE,
                    null,
                    301,
                    UpstreamOptions.DEFAULT)));
    assertThat(problems(true, h)).isEmpty();
    assertThat(problems(false, h)).singleElement().asString().contains("'Host'");
  }
}
