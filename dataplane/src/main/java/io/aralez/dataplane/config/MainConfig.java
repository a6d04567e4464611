package io.aralez.dataplane.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything main.yaml says, typed and with defaults applied. Relative paths are already resolved
 * against the folder of main.yaml. Optional values are {@code null} when absent.
 */
public record MainConfig(
    Path file,
    int threads,
    String runUser,
    String runGroup,
    boolean daemon,
    int upstreamKeepalivePoolSize,
    Path pidFile,
    Path errorLog,
    Path upgradeSock,
    InetSocketAddress configAddress,
    boolean configApiEnabled,
    InetSocketAddress proxyAddressHttp,
    InetSocketAddress proxyAddressTls,
    Path proxyConfigs,
    Path proxyCertificates,
    TlsGrade proxyTlsGrade,
    Path upstreamsConf,
    LogLevel logLevel,
    Path logFile,
    LogRotation logRotation,
    AccessLog accessLog,
    HealthCheckMethod hcMethod,
    Duration hcInterval,
    Duration hcTimeout,
    int hcRise,
    int hcFall,
    boolean upstreamTlsVerify,
    String masterKey,
    Path fileServerFolder,
    InetSocketAddress fileServerAddress,
    Path caFile,
    TcpKeepalive tcpKeepalive,
    Timeouts timeouts,
    Limits limits,
    Http2Limits http2,
    String defaultCertificate,
    Duration websocketIdleTimeout,
    java.util.List<io.aralez.dataplane.config.Cidr> trustedProxies,
    int rateLimitMaxKeys,
    Acme acme,
    Overload overload,
    int httpsRedirectPort,
    int warmUpConnections) {

  /**
   * Loopback connections the plain listener gets at start ({@code warm_up_connections},
   * server/ConnectionWarmUp). 30 (ten of them resets) is enough for the JIT to have seen a
   * connection reset while it is reading, whose first use under load otherwise recompiled the read
   * path in the middle of traffic, at no CPU per request a same-core A/B could see (1.000 on a new
   * connection per request). Thousands also compile the per-connection code before a burst, but
   * shape its profiles unlike real traffic: a new connection per request then cost up to ~20% more
   * CPU in its first window (bench/README.md, "Twenty-fifth" and "Twenty-sixth session").
   */
  public static final int DEFAULT_WARM_UP_CONNECTIONS = 30;

  /**
   * What keeps the process serving when more arrives than it can take: past each limit new work is
   * refused cleanly instead of queueing without bound or running out of memory.
   *
   * @param maxClientConnections client connections open at once; a connection past it is closed as
   *     soon as it is accepted
   * @param directMemoryPercent share of the direct-memory limit in use past which new requests get
   *     503 and new connections are closed
   * @param upstreamMaxConnections requests in flight per backend address (0: no cap)
   * @param upstreamQueueSize requests that may wait for a place at a capped backend
   * @param upstreamQueueTimeout how long they wait before 503
   */
  public record Overload(
      int maxClientConnections,
      int directMemoryPercent,
      int upstreamMaxConnections,
      int upstreamQueueSize,
      Duration upstreamQueueTimeout) {}

  /**
   * Automatic certificates (ACME HTTP-01).
   *
   * @param directory the CA's directory ({@code acme://} or {@code https://})
   * @param email the account's contact, or null
   * @param caFile trust for the ACME server's own TLS, or null for the JDK's
   * @param domains names to keep certified (more may be added through {@code /acme_order})
   * @param state where the account and the ordered names persist ({@code
   *     {proxy_configs}/autoconfigs})
   */
  public record Acme(
      java.net.URI directory,
      String email,
      Path caFile,
      java.util.List<String> domains,
      Duration renewBefore,
      Duration checkInterval,
      Path state) {}

  /**
   * Size-based rolling of {@code log_file}, the original's {@code "path, size_mb, keep, compress"}.
   *
   * @param maxBytes the size at which the file rolls
   * @param keep how many rolled files are kept ({@code path.1} … {@code path.keep})
   * @param compress whether rolled files are gzipped
   */
  public record LogRotation(long maxBytes, int keep, boolean compress) {}

  public enum TlsGrade {
    HIGH,
    MEDIUM,
    UNSAFE
  }

  public enum LogLevel {
    TRACE,
    DEBUG,
    INFO,
    WARN,
    ERROR,
    OFF
  }

  public enum AccessLog {
    OFF,
    ALL,
    ERROR
  }

  public enum HealthCheckMethod {
    HEAD,
    GET,
    POST
  }

  /** Kernel TCP keepalive on accepted connections; absent idle time means off. */
  public record TcpKeepalive(int idleSeconds, int intervalSeconds, int count) {}

  /** Every timeout the data plane applies, explicit and documented. */
  public record Timeouts(
      Duration upstreamConnect,
      Duration upstreamRead,
      Duration upstreamIdle,
      Duration clientKeepalive,
      Duration clientHeader,
      Duration clientBody,
      Duration gracePeriod,
      Duration gracefulShutdown,
      Duration forwardAuth) {}

  /** HTTP/2 limits towards clients. */
  public record Http2Limits(
      int maxConcurrentStreams,
      int initialWindowSize,
      int maxFrameSize,
      int maxResetsPerWindow,
      int resetWindowSeconds) {}

  /** Size limits on what clients may send. */
  public record Limits(int maxInitialLine, int maxHeaderSize, int maxChunkSize) {}

  /** Whether the built-in static file server is configured (both keys are needed). */
  public boolean fileServerEnabled() {
    return fileServerFolder != null && fileServerAddress != null;
  }
}
