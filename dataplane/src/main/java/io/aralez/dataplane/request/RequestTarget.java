package io.aralez.dataplane.request;

import io.aralez.common.values.HostNames;
import java.util.List;

/**
 * Where a request is going, read from its request line and Host header, validated (RFC 9112 §3.2).
 *
 * @param host normalised host for routing (no port, lower case), or null for an HTTP/1.0 request
 *     without Host
 * @param hostHeader the Host value to send upstream
 * @param uri origin-form target to send upstream (the client's own bytes unless it used
 *     absolute-form)
 * @param rawPath the path part of {@code uri}
 * @param query the query part including '?', or ""
 * @param canonicalPath the path routing and policies decide on
 * @param backendPath how a backend that decodes encoded slashes and drops {@code ;parameters} reads
 *     the path ({@link Paths#backendReading}); the same string as {@code canonicalPath} when the
 *     path holds none of them
 */
public record RequestTarget(
    String host,
    String hostHeader,
    String uri,
    String rawPath,
    String query,
    String canonicalPath,
    String backendPath) {

  /**
   * The last Host this thread normalised and what it became: a connection's requests, and most of a
   * loop's, name the same host, and checking it again showed as 1.5% of the HTTP/1.1 request path's
   * user time (bench/README.md, fifteenth session).
   */
  private static final ThreadLocal<String[]> LAST_HOST =
      ThreadLocal.withInitial(() -> new String[2]);

  private static String normalizedHost(String hostHeader) {
    String[] last = LAST_HOST.get();
    if (hostHeader.equals(last[0])) {
      return last[1];
    }
    String host = HostNames.normalizeRequest(hostHeader);
    if (host != null) {
      last[0] = hostHeader;
      last[1] = host;
    }
    return host;
  }

  /** Parses the target; returns null when the request must be refused with 400. */
  public static RequestTarget parse(RequestHead req) {
    String uri = req.uri();
    List<String> hosts = req.headers("host");
    if (hosts.size() > 1 || uri.indexOf('#') >= 0) {
      return null;
    }
    String hostHeader = hosts.isEmpty() ? null : hosts.get(0).trim();
    String origin;
    if (uri.startsWith("/")) {
      origin = uri;
    } else if (uri.equals("*") && req.method().equals("OPTIONS")) {
      origin = "*";
    } else if (uri.regionMatches(true, 0, "http://", 0, 7)
        || uri.regionMatches(true, 0, "https://", 0, 8)) {
      // Absolute form: its authority replaces Host, so routing and the upstream agree.
      int start = uri.indexOf("://") + 3;
      int end = start;
      while (end < uri.length() && "/?".indexOf(uri.charAt(end)) < 0) {
        end++;
      }
      hostHeader = uri.substring(start, end);
      if (hostHeader.indexOf('@') >= 0) {
        return null;
      }
      origin = end == uri.length() ? "/" : uri.substring(end);
      if (!origin.startsWith("/")) {
        origin = "/" + origin;
      }
    } else {
      return null;
    }
    String host = null;
    if (hostHeader != null) {
      host = normalizedHost(hostHeader);
      if (host == null) {
        return null;
      }
    } else if (req.http11()) {
      return null;
    }
    int q = origin.indexOf('?');
    String rawPath = q < 0 ? origin : origin.substring(0, q);
    String query = q < 0 ? "" : origin.substring(q);
    String canonical = rawPath.equals("*") ? "/" : Paths.canonical(rawPath);
    if (canonical == null) {
      return null;
    }
    String backend = rawPath.equals("*") ? canonical : Paths.backendReading(rawPath, canonical);
    if (backend == null) {
      return null;
    }
    return new RequestTarget(
        host, hostHeader == null ? "" : hostHeader, origin, rawPath, query, canonical, backend);
  }
}
