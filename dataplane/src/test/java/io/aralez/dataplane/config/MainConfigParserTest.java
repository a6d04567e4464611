package io.aralez.dataplane.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aralez.dataplane.config.yaml.Problems;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class MainConfigParserTest {
  static final Path FILE = Path.of("/etc/aralez/main.yaml");

  static MainConfig parse(String text, Problems problems) throws ConfigException {
    return MainConfigParser.parse(FILE, text, problems);
  }

  static final String BASE = "proxy_address_http: 127.0.0.1:6193\nupstreams_conf: u.yaml\n";

  @Test
  void logFileTakesTheOriginalsRollingSpec() throws Exception {
    MainConfig c = parse(BASE + "log_file: \"logs/a.log, 10, 3, compress\"\n", new Problems());
    assertThat(c.logFile()).isEqualTo(Path.of("/etc/aralez/logs/a.log"));
    assertThat(c.logRotation()).isEqualTo(new MainConfig.LogRotation(10L << 20, 3, true));
    MainConfig defaults = parse(BASE + "log_file: \"logs/a.log, , \"\n", new Problems());
    assertThat(defaults.logRotation()).isEqualTo(new MainConfig.LogRotation(100L << 20, 5, false));
    MainConfig plain = parse(BASE + "log_file: logs/a.log\n", new Problems());
    assertThat(plain.logRotation()).isNull();
    for (String bad :
        new String[] {
          "\"a.log, big\"",
          "\"a.log, 0\"",
          "\"a.log, 10, 99\"",
          "\"a.log, 1, 2, zip\"",
          "\", 1, 2\"",
          "\"a.log, 1, 2, compress, x\""
        }) {
      assertThatThrownBy(() -> parse(BASE + "log_file: " + bad + "\n", new Problems()))
          .as(bad)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("log_file");
    }
  }

  @Test
  void everyKeyOfTheSeedReadmesParses() throws Exception {
    String text =
        """
        threads: 12
        user: aralez
        group: aralez
        daemon: false
        upstream_keepalive_pool_size: 500
        pid_file: /tmp/aralez.pid
        error_log: /tmp/aralez_err.log
        upgrade_sock: /tmp/aralez.sock
        config_address: 0.0.0.0:3000
        config_tls_address: 0.0.0.0:3001
        config_tls_certificate: etc/server.crt
        config_tls_key_file: etc/key.pem
        proxy_tls_grade: high
        proxy_address_http: 0.0.0.0:6193
        proxy_address_tls: 0.0.0.0:6194
        proxy_certificates: etc/certs/
        proxy_configs: etc/
        upstreams_conf: etc/upstreams.yaml
        log_level: debug
        log_file: logs/aralez.log
        hc_method: get
        hc_interval: 2
        master_key: 5aeff7f9-7b94-447c-af60-e8c488544a3e
        config_api_enabled: true
        access_log: all
        tcp_keepalive_idle: 30
        """;
    Problems problems = new Problems();
    MainConfig c = parse(text, problems);
    assertThat(c.threads()).isEqualTo(12);
    assertThat(c.runUser()).isEqualTo("aralez");
    assertThat(c.upstreamKeepalivePoolSize()).isEqualTo(500);
    assertThat(c.proxyAddressHttp().getPort()).isEqualTo(6193);
    assertThat(c.proxyAddressTls().getPort()).isEqualTo(6194);
    assertThat(c.proxyTlsGrade()).isEqualTo(MainConfig.TlsGrade.HIGH);
    assertThat(c.upstreamsConf()).isEqualTo(Path.of("/etc/aralez/etc/upstreams.yaml"));
    assertThat(c.proxyCertificates()).isEqualTo(Path.of("/etc/aralez/etc/certs"));
    assertThat(c.logFile()).isEqualTo(Path.of("/etc/aralez/logs/aralez.log"));
    assertThat(c.pidFile()).isEqualTo(Path.of("/tmp/aralez.pid"));
    assertThat(c.hcMethod()).isEqualTo(MainConfig.HealthCheckMethod.GET);
    assertThat(c.hcInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.logLevel()).isEqualTo(MainConfig.LogLevel.DEBUG);
    assertThat(c.accessLog()).isEqualTo(MainConfig.AccessLog.ALL);
    assertThat(c.configApiEnabled()).isTrue();
    assertThat(c.tcpKeepalive()).isEqualTo(new MainConfig.TcpKeepalive(30, 10, 5));
    // Leftover keys of the original are accepted with a warning, never silently.
    assertThat(problems.warnings()).anyMatch(w -> w.message().startsWith("config_tls_address"));
    assertThat(problems.errors()).isEmpty();
  }

  @Test
  void overloadLimitsHaveExplicitDefaultsAndBounds() throws Exception {
    MainConfig d = parse(BASE, new Problems());
    assertThat(d.overload().maxClientConnections())
        .isEqualTo(MainConfigFields.defaultConnectionCap())
        .isPositive();
    assertThat(d.overload().directMemoryPercent()).isEqualTo(90);
    assertThat(d.overload().upstreamMaxConnections()).isZero();
    assertThat(d.overload().upstreamQueueSize()).isEqualTo(100);
    assertThat(d.overload().upstreamQueueTimeout()).isEqualTo(java.time.Duration.ofSeconds(5));
    MainConfig c =
        parse(
            BASE
                + "max_client_connections: 500\nmax_direct_memory_percent: 75\n"
                + "upstream_max_connections: 8\nupstream_queue_size: 0\nupstream_queue_timeout: 250ms\n",
            new Problems());
    assertThat(c.overload())
        .isEqualTo(new MainConfig.Overload(500, 75, 8, 0, java.time.Duration.ofMillis(250)));
    assertThatThrownBy(() -> parse(BASE + "max_direct_memory_percent: 5\n", new Problems()))
        .hasMessageContaining("max_direct_memory_percent");
  }

  @Test
  void warmUpConnectionsHaveADefaultAndBounds() throws Exception {
    assertThat(parse(BASE, new Problems()).warmUpConnections())
        .isEqualTo(MainConfig.DEFAULT_WARM_UP_CONNECTIONS)
        .isEqualTo(30);
    assertThat(parse(BASE + "warm_up_connections: 0\n", new Problems()).warmUpConnections())
        .isZero();
    assertThat(parse(BASE + "warm_up_connections: 250\n", new Problems()).warmUpConnections())
        .isEqualTo(250);
    assertThatThrownBy(() -> parse(BASE + "warm_up_connections: -1\n", new Problems()))
        .hasMessageContaining("warm_up_connections");
    assertThatThrownBy(() -> parse(BASE + "warm_up_connections: 100001\n", new Problems()))
        .hasMessageContaining("warm_up_connections");
  }

  @Test
  void defaults() throws Exception {
    MainConfig c =
        parse("proxy_address_http: 127.0.0.1:80\nupstreams_conf: u.yaml\n", new Problems());
    assertThat(c.threads()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(c.proxyTlsGrade()).isEqualTo(MainConfig.TlsGrade.MEDIUM);
    assertThat(c.upstreamKeepalivePoolSize()).isEqualTo(128);
    assertThat(c.pidFile()).isNull();
    assertThat(c.timeouts().upstreamConnect()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.timeouts().upstreamRead()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.timeouts().gracefulShutdown()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.fileServerEnabled()).isFalse();
  }

  @Test
  void runuserWinsOverUserAndBothHalvesAreNeeded() throws Exception {
    MainConfig c =
        parse(
            "proxy_address_http: 127.0.0.1:80\nupstreams_conf: u.yaml\nuser: a\ngroup: b\nrunuser: c\nrungroup: d\n",
            new Problems());
    assertThat(c.runUser()).isEqualTo("c");
    assertThat(c.runGroup()).isEqualTo("d");
    assertThatThrownBy(
            () ->
                parse(
                    "proxy_address_http: 127.0.0.1:80\nupstreams_conf: u.yaml\nrunuser: c\n",
                    new Problems()))
        .hasMessageContaining("must be set together");
  }

  @Test
  void errorsNameFileLineAndKey() {
    String text =
        """
        proxy_address_http: nonsense
        threads: 0
        hc_method: PUT
        hc_interval: soon
        log_level: loud
        config_api_enabled: maybe
        """;
    assertThatThrownBy(() -> parse(text, new Problems()))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e -> {
              var problems = ((ConfigException) e).problems();
              assertThat(problems)
                  .extracting(ConfigProblem::toString)
                  .contains(
                      "/etc/aralez/main.yaml:1: proxy_address_http: 'nonsense' is not host:port",
                      "/etc/aralez/main.yaml:2: threads: must be between 1 and 1024, got 0",
                      "/etc/aralez/main.yaml:3: hc_method: 'PUT' is not one of head, get, post",
                      "/etc/aralez/main.yaml:6: config_api_enabled: expected true or false, got 'maybe'")
                  .anyMatch(p -> p.startsWith("/etc/aralez/main.yaml:4: hc_interval:"))
                  .anyMatch(p -> p.startsWith("/etc/aralez/main.yaml:5: log_level:"))
                  .anyMatch(p -> p.contains("upstreams_conf: is required"));
            });
  }

  @Test
  void unknownKeysWarnAndDuplicatesFail() throws Exception {
    Problems problems = new Problems();
    parse("proxy_address_http: 127.0.0.1:80\nupstreams_conf: u.yaml\nthred: 4\n", problems);
    assertThat(problems.warnings())
        .extracting(ConfigProblem::toString)
        .containsExactly("/etc/aralez/main.yaml:3: thred: unknown key, ignored");
    assertThatThrownBy(
            () ->
                parse(
                    "proxy_address_http: 127.0.0.1:80\nupstreams_conf: u\nupstreams_conf: v\n",
                    new Problems()))
        .hasMessageContaining(":3: upstreams_conf: duplicate key");
  }

  @Test
  void tlsNeedsACertificateFolderAndPortsMustDiffer() {
    assertThatThrownBy(
            () ->
                parse(
                    "proxy_address_http: 127.0.0.1:80\nupstreams_conf: u\nproxy_address_tls: 127.0.0.1:443\n",
                    new Problems()))
        .hasMessageContaining("proxy_address_tls: needs a certificate folder");
    assertThatThrownBy(
            () ->
                parse(
                    "proxy_address_http: 127.0.0.1:80\nupstreams_conf: u\nconfig_address: 127.0.0.1:80\n",
                    new Problems()))
        .hasMessageContaining("config_address: uses the same address as proxy_address_http");
  }

  @Test
  @Tag("catalogue-2.13")
  void invalidYamlIsAnErrorWithALine() {
    assertThatThrownBy(() -> parse("a: [1, 2\nb: 3\n", new Problems()))
        .hasMessageContaining("/etc/aralez/main.yaml:")
        .hasMessageContaining("invalid YAML");
    assertThatThrownBy(() -> parse("- just\n- a list\n", new Problems()))
        .hasMessageContaining("the top level must be a mapping");
  }

  @Test
  @Tag("catalogue-2.13")
  void aliasBombsAreRefused() {
    StringBuilder bomb = new StringBuilder("a: &a [x,x,x,x,x,x,x,x,x,x]\n");
    for (int i = 1; i < 12; i++) {
      bomb.append((char) ('a' + i)).append(": &").append((char) ('a' + i)).append(" [");
      for (int j = 0; j < 10; j++) {
        bomb.append(j == 0 ? "" : ",").append('*').append((char) ('a' + i - 1));
      }
      bomb.append("]\n");
    }
    assertThatThrownBy(() -> parse(bomb.toString(), new Problems()))
        .isInstanceOf(ConfigException.class);
  }

  @Test
  void acmeKeysHaveDefaultsAndAreChecked() throws Exception {
    String base =
        "proxy_address_http: 0.0.0.0:80\nupstreams_conf: etc/upstreams.yaml\nproxy_configs: etc/\n";
    MainConfig d = parse(base, new Problems());
    assertThat(d.acme().directory().toString()).isEqualTo("acme://letsencrypt.org");
    assertThat(d.acme().renewBefore()).isEqualTo(java.time.Duration.ofDays(30));
    assertThat(d.acme().checkInterval()).isEqualTo(java.time.Duration.ofHours(12));
    assertThat(d.acme().state()).isEqualTo(Path.of("/etc/aralez/etc/autoconfigs"));
    assertThat(d.acme().domains()).isEmpty();

    MainConfig c =
        parse(
            base
                + "acme_directory: acme://letsencrypt.org/staging\n"
                + "acme_email: ops@example.com\nacme_ca_file: ca.pem\n"
                + "acme_domains: [Example.COM, www.example.com, example.com]\n"
                + "acme_renew_before: 20d\nacme_check_interval: 6h\n",
            new Problems());
    assertThat(c.acme().directory().toString()).isEqualTo("acme://letsencrypt.org/staging");
    assertThat(c.acme().domains()).containsExactly("example.com", "www.example.com");
    assertThat(c.acme().caFile()).isEqualTo(Path.of("/etc/aralez/ca.pem"));
    assertThat(c.acme().renewBefore()).isEqualTo(java.time.Duration.ofDays(20));

    assertThatThrownBy(
            () ->
                parse(
                    base
                        + "acme_directory: http://plain.example/dir\n"
                        + "acme_email: nobody\nacme_domains: [\"*.example.com\"]\n",
                    new Problems()))
        .hasMessageContaining("acme_directory")
        .hasMessageContaining("acme_email")
        .hasMessageContaining("acme_domains");
  }
}
