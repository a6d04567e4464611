package io.aralez.controller.snapshot;

import io.aralez.api.v1.Header;
import java.util.List;

/**
 * The policies of one route as written by the user (annotations or AralezRoute fields), before
 * Secrets are resolved. Null means "not set" (inherit or default).
 *
 * @param authType NONE, BASIC, APIKEY, JWT or FORWARD
 * @param stickyMaxAge cookie Max-Age in seconds, 0 for a session cookie, null for no affinity
 * @param protocol HTTP, HTTPS, H2 or H2C
 * @param connectAttempts backends tried when connecting fails (1-5)
 * @param backendCap requests in flight per backend and the queue in front of it
 */
public record PolicySpec(
    Long rateLimit,
    Long errorRateLimit,
    String authType,
    String authSecret,
    String authUrl,
    List<Header> requestHeaders,
    List<Header> responseHeaders,
    Long stickyMaxAge,
    Boolean healthCheck,
    String protocol,
    Boolean sslRedirect,
    Integer sslRedirectCode,
    String redirectUrl,
    Integer redirectCode,
    Long connectTimeoutMs,
    Long readTimeoutMs,
    Integer connectAttempts,
    BackendCap backendCap) {

  /**
   * @param maxConnections requests in flight per backend address
   * @param queueSize requests that may wait for a place, or null for the data plane's default
   * @param queueTimeoutMs how long they wait, or null for the data plane's default
   */
  public record BackendCap(Integer maxConnections, Integer queueSize, Long queueTimeoutMs) {
    /** A cap from optional parts, or null when none is set. */
    static BackendCap of(Integer maxConnections, Integer queueSize, Long queueTimeoutMs) {
      return maxConnections == null && queueSize == null && queueTimeoutMs == null
          ? null
          : new BackendCap(maxConnections, queueSize, queueTimeoutMs);
    }
  }

  public static final PolicySpec NONE =
      new PolicySpec(
          null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
          null, null, null);

  /** This spec with the redirect settings replaced. */
  public PolicySpec withRedirects(
      Integer sslRedirectCode, String redirectUrl, Integer redirectCode) {
    return new PolicySpec(
        rateLimit,
        errorRateLimit,
        authType,
        authSecret,
        authUrl,
        requestHeaders,
        responseHeaders,
        stickyMaxAge,
        healthCheck,
        protocol,
        sslRedirect,
        sslRedirectCode,
        redirectUrl,
        redirectCode,
        connectTimeoutMs,
        readTimeoutMs,
        connectAttempts,
        backendCap);
  }

  /** This spec with every unset field taken from {@code parent}. */
  public PolicySpec orElse(PolicySpec parent) {
    return new PolicySpec(
        rateLimit != null ? rateLimit : parent.rateLimit,
        errorRateLimit != null ? errorRateLimit : parent.errorRateLimit,
        authType != null ? authType : parent.authType,
        authType != null ? authSecret : parent.authSecret,
        authType != null ? authUrl : parent.authUrl,
        requestHeaders != null ? requestHeaders : parent.requestHeaders,
        responseHeaders != null ? responseHeaders : parent.responseHeaders,
        stickyMaxAge != null ? stickyMaxAge : parent.stickyMaxAge,
        healthCheck != null ? healthCheck : parent.healthCheck,
        protocol != null ? protocol : parent.protocol,
        sslRedirect != null ? sslRedirect : parent.sslRedirect,
        sslRedirectCode != null ? sslRedirectCode : parent.sslRedirectCode,
        redirectUrl != null ? redirectUrl : parent.redirectUrl,
        redirectCode != null ? redirectCode : parent.redirectCode,
        connectTimeoutMs != null ? connectTimeoutMs : parent.connectTimeoutMs,
        readTimeoutMs != null ? readTimeoutMs : parent.readTimeoutMs,
        connectAttempts != null ? connectAttempts : parent.connectAttempts,
        backendCap != null ? backendCap : parent.backendCap);
  }
}
