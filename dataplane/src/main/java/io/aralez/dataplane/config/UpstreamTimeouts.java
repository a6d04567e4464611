package io.aralez.dataplane.config;

/**
 * Per-route overrides of the upstream timeouts.
 *
 * @param connect connect timeout, or null for upstream_connect_timeout
 * @param read read timeout, or null for upstream_read_timeout
 * @param connectAttempts backends tried when connecting fails (1: no retry; the default 2 is one
 *     retry on another backend)
 */
public record UpstreamTimeouts(
    java.time.Duration connect, java.time.Duration read, int connectAttempts) {
  public static final UpstreamTimeouts DEFAULT = new UpstreamTimeouts(null, null, 2);

  public java.time.Duration connectOr(java.time.Duration global) {
    return connect != null ? connect : global;
  }

  public java.time.Duration readOr(java.time.Duration global) {
    return read != null ? read : global;
  }
}
