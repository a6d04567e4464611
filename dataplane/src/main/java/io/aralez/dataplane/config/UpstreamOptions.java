package io.aralez.dataplane.config;

import java.time.Duration;

/**
 * Per-route overrides of how backends are reached: timeouts, retries, and the cap on requests in
 * flight per backend with its wait queue. A null or 0 field means main.yaml's setting.
 *
 * @param connect connect timeout, or null for upstream_connect_timeout
 * @param read read timeout, or null for upstream_read_timeout
 * @param connectAttempts backends tried when connecting fails (1: no retry; the default 2 is one
 *     retry on another backend)
 * @param maxConnections requests in flight allowed per backend address (each holds one HTTP/1.1
 *     connection), or 0 for upstream_max_connections
 * @param queueSize requests that may wait for a place when the backend is at its cap, or -1 for
 *     upstream_queue_size (0: no queue, refuse at once)
 * @param queueTimeout how long a request waits in that queue, or null for upstream_queue_timeout
 * @param tls how TLS backends are spoken to, or null for upstream_tls_verify and ca_file
 * @param next failures after the request went out that send it to another backend, or null
 * @param ewma pick by peak-EWMA response time and requests in flight instead of round robin
 * @param send longest time the backend may take none of the request bytes waiting for it, or null
 *     for the read timeout
 */
public record UpstreamOptions(
    Duration connect,
    Duration read,
    int connectAttempts,
    int maxConnections,
    int queueSize,
    Duration queueTimeout,
    UpstreamTlsSpec tls,
    NextUpstream next,
    boolean ewma,
    Duration send) {
  public static final UpstreamOptions DEFAULT = new UpstreamOptions(null, null, 2);

  public UpstreamOptions(Duration connect, Duration read, int connectAttempts) {
    this(connect, read, connectAttempts, 0, -1, null, null, null);
  }

  /** Round-robin options. */
  public UpstreamOptions(
      Duration connect,
      Duration read,
      int connectAttempts,
      int maxConnections,
      int queueSize,
      Duration queueTimeout,
      UpstreamTlsSpec tls,
      NextUpstream next) {
    this(connect, read, connectAttempts, maxConnections, queueSize, queueTimeout, tls, next, false);
  }

  public UpstreamOptions(
      Duration connect,
      Duration read,
      int connectAttempts,
      int maxConnections,
      int queueSize,
      Duration queueTimeout,
      UpstreamTlsSpec tls,
      NextUpstream next,
      boolean ewma) {
    this(
        connect,
        read,
        connectAttempts,
        maxConnections,
        queueSize,
        queueTimeout,
        tls,
        next,
        ewma,
        null);
  }

  public Duration connectOr(Duration global) {
    return connect != null ? connect : global;
  }

  public Duration readOr(Duration global) {
    return read != null ? read : global;
  }

  /** The send timeout: this route's, else {@code read} (the route's effective read timeout). */
  public Duration sendOr(Duration read) {
    return send != null ? send : read;
  }

  public int maxConnectionsOr(int global) {
    return maxConnections > 0 ? maxConnections : global;
  }

  public int queueSizeOr(int global) {
    return queueSize >= 0 ? queueSize : global;
  }

  public Duration queueTimeoutOr(Duration global) {
    return queueTimeout != null ? queueTimeout : global;
  }

  /** The same options with the backend cap and queue from upstreams.yaml. */
  public UpstreamOptions withBackendCap(int max, int queue, Duration timeout) {
    return new UpstreamOptions(
        connect, read, connectAttempts, max, queue, timeout, tls, next, ewma, send);
  }
}
