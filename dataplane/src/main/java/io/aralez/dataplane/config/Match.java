package io.aralez.dataplane.config;

import java.util.List;

/**
 * How a route selects requests besides the host.
 *
 * @param exact the path must equal the route's path byte for byte (else: element-wise prefix)
 * @param method the request method, or null for any
 * @param headers headers (lower-case names) that must each be present with exactly this value
 * @param query query parameters that must each be present with exactly this value
 * @param regex a Java regex the path must match case-insensitively from its start (the route's path
 *     is then this regex), or null
 * @param cookies cookies that must each be present with exactly this value
 * @param headerPatterns headers (lower-case names) whose value must contain a match of an RE2 regex
 *     (ingress-nginx's canary-by-header-pattern)
 */
public record Match(
    boolean exact,
    String method,
    List<ProxyConfig.Header> headers,
    List<ProxyConfig.Header> query,
    String regex,
    List<ProxyConfig.Header> cookies,
    List<HeaderPattern> headerPatterns) {
  public static final Match PREFIX = new Match(false, null, List.of(), List.of());
  public static final Match EXACT = new Match(true, null, List.of(), List.of());

  public Match {
    headers = List.copyOf(headers);
    query = List.copyOf(query);
    cookies = List.copyOf(cookies);
    headerPatterns = List.copyOf(headerPatterns);
  }

  public Match(
      boolean exact,
      String method,
      List<ProxyConfig.Header> headers,
      List<ProxyConfig.Header> query) {
    this(exact, method, headers, query, null, List.of(), List.of());
  }

  public Match(
      boolean exact,
      String method,
      List<ProxyConfig.Header> headers,
      List<ProxyConfig.Header> query,
      String regex,
      List<ProxyConfig.Header> cookies) {
    this(exact, method, headers, query, regex, cookies, List.of());
  }

  public boolean isPlainPrefix() {
    return !exact && regex == null && !hasConditions();
  }

  public boolean hasConditions() {
    return method != null
        || !headers.isEmpty()
        || !query.isEmpty()
        || !cookies.isEmpty()
        || !headerPatterns.isEmpty();
  }

  /**
   * More conditions first: the order candidates of one path are tried in. Headers before cookies,
   * so a canary header decides before a canary cookie, as in ingress-nginx.
   */
  public int specificity() {
    return (method != null ? 1000 : 0)
        + (headers.size() + headerPatterns.size()) * 100
        + cookies.size() * 10
        + query.size();
  }

  String describe(String path) {
    StringBuilder s = new StringBuilder(exact ? "=" : regex != null ? "~" : "").append(path);
    if (method != null) {
      s.append(" ").append(method);
    }
    for (ProxyConfig.Header h : headers) {
      s.append(" ").append(h.name()).append(':').append(h.value());
    }
    for (HeaderPattern h : headerPatterns) {
      s.append(" ").append(h.name()).append("~").append(h.regex());
    }
    for (ProxyConfig.Header q : query) {
      s.append(" ?").append(q.name()).append('=').append(q.value());
    }
    for (ProxyConfig.Header c : cookies) {
      s.append(" cookie:").append(c.name()).append('=').append(c.value());
    }
    return s.toString();
  }
}
