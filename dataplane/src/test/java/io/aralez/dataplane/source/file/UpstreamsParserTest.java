package io.aralez.dataplane.source.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aralez.dataplane.config.ConfigException;
import io.aralez.dataplane.config.ConfigProblem;
import io.aralez.dataplane.config.ProxyConfig;
import io.aralez.dataplane.config.ProxyConfig.AuthPolicy;
import io.aralez.dataplane.config.ProxyConfig.Header;
import io.aralez.dataplane.config.ProxyConfig.Route;
import io.aralez.dataplane.config.yaml.Problems;
import java.util.List;
import org.junit.jupiter.api.Test;

class UpstreamsParserTest {
  static ProxyConfig parse(String text) throws ConfigException {
    return parse(text, new Problems());
  }

  static ProxyConfig parse(String text, Problems problems) throws ConfigException {
    return UpstreamsParser.parse(
        new UpstreamsParser.Source("upstreams.yaml", text), List.of(), "v", problems);
  }

  static Route route(ProxyConfig c, String host, String path) {
    return c.hosts().stream()
        .filter(h -> h.name().equals(host))
        .flatMap(h -> h.routes().stream())
        .filter(r -> r.path().equals(path))
        .findFirst()
        .orElseThrow();
  }

  /** The example of the seed README, hosts at the top level, verbatim. */
  static final String SEED_EXAMPLE =
      """
      provider: "file"
      sticky_sessions: false
      to_https: false
      rate_limit: 10
      server_headers:
        - "X-Forwarded-Proto:https"
        - "X-Forwarded-Port:443"
      client_headers:
        - "Access-Control-Allow-Origin:*"
        - "Access-Control-Allow-Methods:POST, GET, OPTIONS"
        - "Access-Control-Max-Age:86400"
      myhost.mydomain.com:
        paths:
          "/":
            rate_limit: 20
            to_https: false
            server_headers:
              - "X-Something-Else:Foobar"
              - "X-Another-Header:Hohohohoho"
            client_headers:
              - "X-Some-Thing:Yaaaaaaaaaaaaaaa"
              - "X-Proxy-From:Hopaaaaaaaaaaaar"
            servers:
              - "127.0.0.1:8000"
              - "127.0.0.2:8000"
          "/foo":
            to_https: true
            authorization:
              type: "jwt"
              data: "266463d1-210a-4787-9a81-4aacb37a8723"
            client_headers:
              - "X-Another-Header:Hohohohoho"
            servers:
              - "127.0.0.4:8443"
              - "127.0.0.5:8443"
          "/.well-known/acme-challenge":
            healthcheck: false
            servers:
              - "127.0.0.1:8001"
      DEFAULT:
        paths:
          "/":
            servers:
              - "127.0.0.1:3000"
      """;

  @Test
  void seedReadmeExample() throws Exception {
    ProxyConfig c = parse(SEED_EXAMPLE);
    assertThat(c.hosts())
        .extracting(ProxyConfig.VirtualHost::name)
        .containsExactly("myhost.mydomain.com", "DEFAULT");
    Route root = route(c, "myhost.mydomain.com", "/");
    assertThat(root.backends()).hasSize(2);
    assertThat(root.rateLimit()).isEqualTo(20);
    assertThat(root.serverHeaders())
        .containsExactly(
            new Header("X-Forwarded-Proto", "https"),
            new Header("X-Forwarded-Port", "443"),
            new Header("X-Something-Else", "Foobar"),
            new Header("X-Another-Header", "Hohohohoho"));
    assertThat(root.clientHeaders())
        .contains(new Header("Access-Control-Allow-Methods", "POST, GET, OPTIONS"));
    Route foo = route(c, "myhost.mydomain.com", "/foo");
    assertThat(foo.toHttps()).isTrue();
    assertThat(foo.rateLimit()).isEqualTo(10);
    assertThat(foo.auth().type()).isEqualTo(AuthPolicy.Type.JWT);
    assertThat(route(c, "myhost.mydomain.com", "/.well-known/acme-challenge").healthcheck())
        .isFalse();
    assertThat(c.sticky().enabled()).isFalse();
  }

  @Test
  void aPathCapsRequestsInFlightPerBackendWithItsQueue() throws Exception {
    ProxyConfig c =
        parse(
            "provider: file\na.test:\n  paths:\n    \"/\":\n      servers: [\"10.0.0.1:80\"]\n"
                + "      max_connections: 4\n      queue_size: 0\n      queue_timeout: 2s\n"
                + "    \"/b\":\n      servers: [\"10.0.0.1:80\"]\n");
    var capped = route(c, "a.test", "/").upstream();
    assertThat(capped.maxConnectionsOr(99)).isEqualTo(4);
    assertThat(capped.queueSizeOr(99)).isZero();
    assertThat(capped.queueTimeoutOr(null)).isEqualTo(java.time.Duration.ofSeconds(2));
    var plain = route(c, "a.test", "/b").upstream();
    assertThat(plain.maxConnectionsOr(99)).as("main.yaml's").isEqualTo(99);
    assertThat(plain.queueSizeOr(99)).isEqualTo(99);
    assertThatThrownBy(
            () ->
                parse(
                    "provider: file\na.test:\n  paths:\n    \"/\":\n      servers: [\"10.0.0.1:80\"]\n"
                        + "      max_connections: 0\n"))
        .hasMessageContaining("max_connections");
  }

  @Test
  void upstreamsKeyFormIsEquivalent() throws Exception {
    String nested =
        "provider: file\nupstreams:\n  a.test:\n    paths:\n      \"/\":\n        servers: [\"10.0.0.1:80\"]\n";
    assertThat(route(parse(nested), "a.test", "/").backends()).hasSize(1);
    assertThatThrownBy(
            () ->
                parse(nested + "a.test:\n  paths:\n    \"/\":\n      servers: [\"10.0.0.1:80\"]\n"))
        .hasMessageContaining("defined both here and under 'upstreams'");
  }

  @Test
  void headersSplitAtFirstColonAndAreTrimmed() throws Exception {
    ProxyConfig c =
        parse(
            """
            client_headers: [" X-A :  v1 ", "X-Url:http://x:1/y"]
            h.test:
              paths:
                "/": {servers: ["10.0.0.1:80"]}
            """);
    assertThat(route(c, "h.test", "/").clientHeaders())
        .containsExactly(new Header("X-A", "v1"), new Header("X-Url", "http://x:1/y"));
  }

  @Test
  void inheritanceMostSpecificWinsPerHeaderName() throws Exception {
    ProxyConfig c =
        parse(
            """
            to_https: true
            rate_limit: 5
            server_headers: ["X-A:global", "X-B:global"]
            h.test:
              server_headers: ["X-B:host", "X-C:host"]
              rate_limit: 7
              paths:
                "/": {servers: ["10.0.0.1:80"]}
                "/p":
                  to_https: false
                  server_headers: ["x-c:path"]
                  rate_limit: 9
                  servers: ["10.0.0.1:80"]
            """);
    Route root = route(c, "h.test", "/");
    assertThat(root.serverHeaders())
        .containsExactly(
            new Header("X-A", "global"), new Header("X-B", "host"), new Header("X-C", "host"));
    assertThat(root.toHttps()).isTrue();
    assertThat(root.rateLimit()).isEqualTo(7);
    Route p = route(c, "h.test", "/p");
    assertThat(p.serverHeaders())
        .containsExactly(
            new Header("X-A", "global"), new Header("X-B", "host"), new Header("x-c", "path"));
    assertThat(p.toHttps()).isFalse();
    assertThat(p.rateLimit()).isEqualTo(9);
  }

  @Test
  void stickyAcceptsSecondsAndBooleans() throws Exception {
    String hosts = "h.test:\n  paths:\n    \"/\": {servers: [\"10.0.0.1:80\"]}\n";
    assertThat(parse("sticky_sessions: 86400\n" + hosts).sticky())
        .isEqualTo(new ProxyConfig.StickySessions(true, 86400L));
    assertThat(parse("sticky_sessions: true\n" + hosts).sticky().enabled()).isTrue();
    assertThat(parse("sticky_sessions: false\n" + hosts).sticky().enabled()).isFalse();
    assertThatThrownBy(() -> parse("sticky_sessions: -1\n" + hosts))
        .hasMessageContaining("sticky_sessions");
  }

  @Test
  void serversIncludingIpv6AndNames() throws Exception {
    ProxyConfig c =
        parse(
            "h.test:\n  paths:\n    \"/\": {servers: [\"[::1]:80\", \"backend.svc:8080\", \"10.0.0.1:81\"]}\n");
    assertThat(route(c, "h.test", "/").backends())
        .extracting(b -> b.address().toString())
        .containsExactly("[::1]:80", "backend.svc:8080", "10.0.0.1:81");
  }

  @Test
  void everyErrorIsReportedWithItsLine() {
    String text =
        """
        provider: file
        server_headers: ["NoColon"]
        h.test:
          paths:
            "/":
              servers: ["10.0.0.1", "[::1]:70000"]
              redirect_to: "ftp://x"
              authorization: {type: magic}
            "relative": {servers: ["10.0.0.1:80"]}
        "bad host!":
          paths:
            "/": {servers: ["10.0.0.1:80"]}
        nopaths.test:
          servers: ["x"]
        """;
    assertThatThrownBy(() -> parse(text))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .extracting(ConfigProblem::toString)
                    .contains(
                        "upstreams.yaml:2: server_headers: 'NoColon' is not Name:Value",
                        "upstreams.yaml:6: h.test.paths./.servers: '10.0.0.1' is not host:port",
                        "upstreams.yaml:6: h.test.paths./.servers: port 70000 is out of range 1-65535",
                        "upstreams.yaml:7: h.test.paths./.redirect_to: 'ftp://x' is not an absolute http:// or https:// URL",
                        "upstreams.yaml:8: h.test.paths./.authorization.type: 'magic' is not one of basic, apikey, jwt, forward, none",
                        "upstreams.yaml:9: h.test.paths.relative: is not a valid path prefix (it must start with '/')",
                        "upstreams.yaml:14: nopaths.test.paths: is required: a mapping of path prefixes to servers")
                    .anyMatch(p -> p.contains("'bad host!' is not a valid host name")));
  }

  @Test
  void framingHeadersCannotBeConfigured() {
    assertThatThrownBy(
            () ->
                parse(
                    "server_headers: [\"Content-Length:5\"]\nh.test:\n  paths:\n    \"/\": {servers: [\"10.0.0.1:80\"]}\n"))
        .hasMessageContaining("managed by the proxy");
    assertThatThrownBy(
            () ->
                parse(
                    "h.test:\n  paths:\n    \"/\": {servers: [\"10.0.0.1:80\"], server_headers: [\"X-A:a\\r\\nX-B: b\"]}\n"))
        .hasMessageContaining("line break");
  }

  @Test
  void duplicatePrefixesAndHostsAreErrors() {
    assertThatThrownBy(
            () ->
                parse(
                    "h.test:\n  paths:\n    \"/a\": {servers: [\"10.0.0.1:80\"]}\n    \"/a/\": {servers: [\"10.0.0.1:80\"]}\n"))
        .hasMessageContaining("is the same prefix as '/a'");
    assertThatThrownBy(
            () ->
                parse(
                    "H.test:\n  paths:\n    \"/\": {servers: [\"10.0.0.1:80\"]}\nh.test:\n  paths:\n    \"/\": {servers: [\"10.0.0.1:80\"]}\n"))
        .hasMessageContaining("is the same host as 'H.test'");
  }

  @Test
  void splitFilesReplaceWholeHostsInNameOrder() throws Exception {
    Problems problems = new Problems();
    ProxyConfig c =
        UpstreamsParser.parse(
            new UpstreamsParser.Source(
                "upstreams.yaml",
                "upstreams:\n  a.test:\n    paths:\n      \"/\": {servers: [\"10.0.0.1:80\"]}\n"),
            List.of(
                new UpstreamsParser.Source(
                    "conf.d/10.yaml",
                    "b.test:\n  paths:\n    \"/\": {servers: [\"10.0.0.2:80\"]}\n"),
                new UpstreamsParser.Source(
                    "conf.d/20.yaml",
                    "a.test:\n  paths:\n    \"/x\": {servers: [\"10.0.0.3:80\"]}\n")),
            "v",
            problems);
    assertThat(c.hosts())
        .extracting(ProxyConfig.VirtualHost::name)
        .containsExactlyInAnyOrder("a.test", "b.test");
    assertThat(route(c, "a.test", "/x").backends().get(0).address().host()).isEqualTo("10.0.0.3");
    assertThat(problems.warnings()).anyMatch(w -> w.message().contains("replaces its definition"));
  }

  @Test
  void aFileWithoutHostsIsRefused() {
    for (String text :
        new String[] {"", "\n", "provider: file\n", "rate_limit: 5\nupstreams: {}\n"}) {
      assertThatThrownBy(() -> parse(text))
          .as("'%s'", text)
          .hasMessageContaining("no hosts are configured");
    }
  }

  @Test
  void unsupportedProvidersAreClearErrors() {
    assertThatThrownBy(() -> parse("provider: consul\n"))
        .hasMessageContaining("provider consul needs a 'consul:' map");
    assertThatThrownBy(() -> parse("provider: zookeeper\n"))
        .hasMessageContaining("is not one of file");
  }
}
