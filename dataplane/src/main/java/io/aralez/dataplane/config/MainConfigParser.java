package io.aralez.dataplane.config;

import static io.aralez.dataplane.config.MainConfigFields.accessLog;
import static io.aralez.dataplane.config.MainConfigFields.acme;
import static io.aralez.dataplane.config.MainConfigFields.bindAddress;
import static io.aralez.dataplane.config.MainConfigFields.checkPort;
import static io.aralez.dataplane.config.MainConfigFields.dur;
import static io.aralez.dataplane.config.MainConfigFields.enumValue;
import static io.aralez.dataplane.config.MainConfigFields.firstOf;
import static io.aralez.dataplane.config.MainConfigFields.path;

import io.aralez.dataplane.config.MainConfig.AccessLog;
import io.aralez.dataplane.config.MainConfig.HealthCheckMethod;
import io.aralez.dataplane.config.MainConfig.Limits;
import io.aralez.dataplane.config.MainConfig.LogLevel;
import io.aralez.dataplane.config.MainConfig.TcpKeepalive;
import io.aralez.dataplane.config.MainConfig.Timeouts;
import io.aralez.dataplane.config.MainConfig.TlsGrade;
import io.aralez.dataplane.config.yaml.Problems;
import io.aralez.dataplane.config.yaml.YamlDocument;
import io.aralez.dataplane.config.yaml.YamlMap;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/** Reads main.yaml into a {@link MainConfig}, reporting every problem with file and line. */
public final class MainConfigParser {
  private static final Set<String> KNOWN =
      Set.of(
          "threads",
          "user",
          "group",
          "runuser",
          "rungroup",
          "daemon",
          "upstream_keepalive_pool_size",
          "pid_file",
          "error_log",
          "upgrade_sock",
          "config_address",
          "config_api_enabled",
          "proxy_address_http",
          "proxy_address_tls",
          "https_redirect_port",
          "proxy_configs",
          "proxy_certificates",
          "proxy_tls_grade",
          "upstreams_conf",
          "log_level",
          "log_file",
          "access_log",
          "hc_method",
          "hc_interval",
          "hc_timeout",
          "hc_rise",
          "hc_fall",
          "upstream_tls_verify",
          "master_key",
          "acme_directory",
          "acme_email",
          "acme_ca_file",
          "acme_domains",
          "acme_renew_before",
          "acme_check_interval",
          "file_server_folder",
          "file_server_address",
          "ca_file",
          "tcp_keepalive_idle",
          "tcp_keepalive_interval",
          "tcp_keepalive_count",
          "upstream_connect_timeout",
          "upstream_read_timeout",
          "upstream_idle_timeout",
          "client_keepalive_timeout",
          "client_header_timeout",
          "client_body_timeout",
          "grace_period_seconds",
          "graceful_shutdown_timeout_seconds",
          "max_request_line",
          "max_request_headers_size",
          "http2_max_concurrent_streams",
          "http2_initial_window_size",
          "http2_max_frame_size",
          "http2_max_resets_per_window",
          "http2_reset_window_seconds",
          "proxy_default_certificate",
          "websocket_idle_timeout",
          "forward_auth_timeout",
          "trusted_proxies",
          "rate_limit_max_keys",
          "max_client_connections",
          "max_direct_memory_percent",
          "upstream_max_connections",
          "upstream_queue_size",
          "upstream_queue_timeout",
          "warm_up_connections");

  /** Keys of the original that have no meaning here; accepted so old files keep working. */
  private static final Set<String> IGNORED =
      Set.of(
          "work_stealing",
          "listener_tasks_per_fd",
          "max_retries",
          "client_bind_to_ipv4",
          "client_bind_to_ipv6",
          "upstream_connect_offload_threadpools",
          "upstream_connect_offload_thread_per_pool",
          "upstream_debug_ssl_keylog",
          "upgrade_sock_connect_accept_max_retries",
          "max_blocking_threads",
          "blocking_threads_ttl_seconds",
          "daemon_wait_for_ready",
          "daemon_ready_timeout_seconds",
          "daemon_notify_timeout_seconds",
          "version",
          "config_tls_address",
          "config_tls_certificate",
          "config_tls_key_file",
          "proxy_port",
          "proxy_port_tls",
          "local_server");

  /** Keys of newer versions of the original that this version does not implement yet. */
  private static final Set<String> NOT_YET =
      Set.of("cache_size_mb", "cache_ttl", "log_pattern", "log_structured", "acme_dns_provider");

  private MainConfigParser() {}

  /** Reads and parses {@code file}; warnings go to {@code problems}. */
  public static MainConfig load(Path file, Problems problems) throws ConfigException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(file.toString(), "cannot read: " + e);
    }
    return parse(file.toAbsolutePath().normalize(), text, problems);
  }

  public static MainConfig parse(Path file, String text, Problems problems) throws ConfigException {
    YamlMap y = YamlDocument.parse(file.toString(), text, problems);
    Path base = file.toAbsolutePath().getParent();

    for (String key : y.keys()) {
      if (IGNORED.contains(key)) {
        y.warn(key, "has no effect in this implementation, ignored");
      } else if (NOT_YET.contains(key)) {
        y.warn(key, "is not supported yet, ignored");
      } else if (!KNOWN.contains(key)) {
        y.warn(key, "unknown key, ignored");
      }
    }

    int cores = Runtime.getRuntime().availableProcessors();
    int threads = (int) y.integer("threads", 1, 1024).orElse(cores);
    String runUser = firstOf(y, "runuser", "user");
    String runGroup = firstOf(y, "rungroup", "group");
    if ((runUser == null) != (runGroup == null)) {
      y.error(
          runUser == null ? "rungroup" : "runuser",
          "runuser and rungroup (or user and group) must be set together");
    }
    boolean daemon = y.bool("daemon").orElse(false);
    int poolSize = (int) y.integer("upstream_keepalive_pool_size", 0, 100_000).orElse(128);
    Path pidFile = path(y, "pid_file", base);
    Path errorLog = path(y, "error_log", base);
    Path upgradeSock = path(y, "upgrade_sock", base);
    InetSocketAddress configAddress = bindAddress(y, "config_address");
    boolean configApi = y.bool("config_api_enabled").orElse(false);
    InetSocketAddress http = bindAddress(y, "proxy_address_http");
    if (http == null && !y.has("proxy_address_http")) {
      y.error("proxy_address_http", "is required (for example 0.0.0.0:6193)");
    }
    InetSocketAddress tls = bindAddress(y, "proxy_address_tls");
    Path proxyConfigs = path(y, "proxy_configs", base);
    Path certificates = path(y, "proxy_certificates", base);
    if (certificates == null && proxyConfigs != null) {
      certificates = proxyConfigs.resolve("certificates");
    }
    if (tls != null && certificates == null) {
      y.error(
          "proxy_address_tls",
          "needs a certificate folder: set proxy_certificates or proxy_configs");
    }
    TlsGrade grade = enumValue(y, "proxy_tls_grade", TlsGrade.class).orElse(TlsGrade.MEDIUM);
    Path upstreams = path(y, "upstreams_conf", base);
    if (upstreams == null && !y.has("upstreams_conf")) {
      y.error("upstreams_conf", "is required (the path of upstreams.yaml)");
    }
    LogLevel logLevel = enumValue(y, "log_level", LogLevel.class).orElse(LogLevel.INFO);
    LogFileSpec logSpec = LogFileSpec.parse(y, base);
    AccessLog accessLog = accessLog(y);
    HealthCheckMethod hcMethod =
        enumValue(y, "hc_method", HealthCheckMethod.class).orElse(HealthCheckMethod.HEAD);
    Duration hcInterval =
        y.duration("hc_interval", Duration.ofMillis(100), Duration.ofHours(1))
            .orElse(Duration.ofSeconds(2));
    Duration hcTimeout =
        y.duration("hc_timeout", Duration.ofMillis(50), Duration.ofHours(1))
            .orElse(Duration.ofMillis(Math.min(5000, hcInterval.toMillis() * 8 / 10)));
    if (hcTimeout.compareTo(hcInterval) >= 0) {
      y.error("hc_timeout", "must be shorter than hc_interval (" + hcInterval.toMillis() + " ms)");
    }
    int hcRise = (int) y.integer("hc_rise", 1, 100).orElse(2);
    int hcFall = (int) y.integer("hc_fall", 1, 100).orElse(2);
    boolean tlsVerify = y.bool("upstream_tls_verify").orElse(false);
    String masterKey = y.string("master_key").orElse(null);
    if (masterKey != null && masterKey.length() < 16) {
      y.warn("master_key", "is shorter than 16 characters: easy to guess");
    }
    Path fsFolder = path(y, "file_server_folder", base);
    InetSocketAddress fsAddress = bindAddress(y, "file_server_address");
    if (y.has("file_server_folder") != y.has("file_server_address")) {
      y.error(
          fsFolder == null ? "file_server_address" : "file_server_folder",
          "file_server_folder and file_server_address must be set together");
    }
    if (fsFolder != null && !Files.isDirectory(fsFolder)) {
      y.error("file_server_folder", "'" + fsFolder + "' is not a directory");
    }
    Path caFile = path(y, "ca_file", base);

    TcpKeepalive keepalive = null;
    if (y.has("tcp_keepalive_idle")) {
      keepalive =
          new TcpKeepalive(
              (int) y.integer("tcp_keepalive_idle", 1, 86_400).orElse(60),
              (int) y.integer("tcp_keepalive_interval", 1, 3_600).orElse(10),
              (int) y.integer("tcp_keepalive_count", 1, 100).orElse(5));
    }

    Timeouts timeouts =
        new Timeouts(
            dur(y, "upstream_connect_timeout", Duration.ofSeconds(5)),
            dur(y, "upstream_read_timeout", Duration.ofSeconds(60)),
            dur(y, "upstream_idle_timeout", Duration.ofSeconds(60)),
            dur(y, "client_keepalive_timeout", Duration.ofSeconds(60)),
            dur(y, "client_header_timeout", Duration.ofSeconds(15)),
            dur(y, "client_body_timeout", Duration.ofSeconds(60)),
            y.duration("grace_period_seconds", Duration.ZERO, Duration.ofHours(1))
                .orElse(Duration.ZERO),
            dur(y, "graceful_shutdown_timeout_seconds", Duration.ofSeconds(30)),
            dur(y, "forward_auth_timeout", Duration.ofSeconds(5)));
    Limits limits =
        new Limits(
            (int) y.integer("max_request_line", 256, 1 << 20).orElse(8192),
            (int) y.integer("max_request_headers_size", 1024, 1 << 20).orElse(32 * 1024),
            64 * 1024);

    MainConfig.Http2Limits http2 =
        new MainConfig.Http2Limits(
            (int) y.integer("http2_max_concurrent_streams", 1, 10_000).orElse(100),
            (int)
                y.integer("http2_initial_window_size", 65_535, 16 * 1024 * 1024)
                    .orElse(1024 * 1024),
            (int) y.integer("http2_max_frame_size", 16_384, 16_777_215).orElse(16_384),
            (int) y.integer("http2_max_resets_per_window", 1, 100_000).orElse(200),
            (int) y.integer("http2_reset_window_seconds", 1, 3600).orElse(30));
    String defaultCertificate = y.string("proxy_default_certificate").orElse(null);
    Duration websocketIdle = dur(y, "websocket_idle_timeout", Duration.ofMinutes(10));

    java.util.List<io.aralez.dataplane.config.Cidr> trusted = new java.util.ArrayList<>();
    for (YamlMap.Scalar s : y.stringList("trusted_proxies").orElse(java.util.List.of())) {
      try {
        trusted.add(io.aralez.dataplane.config.Cidr.parse(s.value()));
      } catch (IllegalArgumentException e) {
        problems.error(y.file(), s.line(), "trusted_proxies: " + e.getMessage());
      }
    }
    int rateKeys = (int) y.integer("rate_limit_max_keys", 1000, 100_000_000).orElse(100_000);

    MainConfig.Acme acme = acme(y, base, proxyConfigs, upstreams, certificates);
    MainConfig.Overload overload = MainConfigFields.overload(y);
    // The port clients reach HTTPS on; behind a Service or load balancer it is not the listener's.
    int redirectPort = (int) y.integer("https_redirect_port", 1, 65535).orElse(0);
    int warmUp =
        (int)
            y.integer("warm_up_connections", 0, 100_000)
                .orElse(MainConfig.DEFAULT_WARM_UP_CONNECTIONS);
    checkPort(y, http, tls, configAddress, fsAddress);
    problems.throwIfErrors();
    return new MainConfig(
        file,
        threads,
        runUser,
        runGroup,
        daemon,
        poolSize,
        pidFile,
        errorLog,
        upgradeSock,
        configAddress,
        configApi,
        http,
        tls,
        proxyConfigs,
        certificates,
        grade,
        upstreams,
        logLevel,
        logSpec.path(),
        logSpec.rotation(),
        accessLog,
        hcMethod,
        hcInterval,
        hcTimeout,
        hcRise,
        hcFall,
        tlsVerify,
        masterKey,
        fsFolder,
        fsAddress,
        caFile,
        keepalive,
        timeouts,
        limits,
        http2,
        defaultCertificate,
        websocketIdle,
        trusted,
        rateKeys,
        acme,
        overload,
        redirectPort,
        warmUp);
  }
}
