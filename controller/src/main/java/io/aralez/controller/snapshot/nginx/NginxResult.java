package io.aralez.controller.snapshot.nginx;

import io.aralez.api.v1.RouteRules;
import java.util.List;

/**
 * What the {@code nginx.ingress.kubernetes.io/*} annotations of one Ingress ask for, and how each
 * annotation was treated. Null fields are "not set" (Aralez's own setting applies).
 *
 * @param keys one outcome per annotation with the prefix, sorted by key
 * @param regex regex mode: the Ingress's paths are regexes, and so is every path of its hosts
 * @param denied a reference could not be used (a bad allow list, an auth Secret in another
 *     namespace): every path answers 503, as ingress-nginx denies the location
 * @param protocol HTTP, HTTPS, H2C or H2
 * @param connectAttempts backends tried when connecting fails (proxy-next-upstream-tries), or null
 * @param stickyMaxAge affinity cookie Max-Age in seconds (0: session cookie), or null
 * @param canary how this Ingress splits traffic off its main Ingress, or null when it is not a
 *     canary
 * @param cookieShape the affinity cookie's name and attributes (no path: the Ingress path), or null
 *     without affinity
 * @param aliases more host names served like the Ingress's own (server-alias)
 * @param defaultBackend the Service (same namespace, first port) that answers while a path's own
 *     Service has no endpoint, or null
 * @param serviceUpstream send to the Services' cluster IPs instead of their endpoints
 * @param fromToWww the www / bare twin of each host redirects to it
 * @param upstreamTls how TLS backends are spoken to (proxy-ssl-*), or null for the defaults
 * @param clientCerts the client certificates requests over TLS must present (auth-tls-*), or null
 * @param customHeaders the ConfigMap (this namespace) of headers added to responses, or null
 * @param authProxyHeaders the ConfigMap (this namespace) of headers sent to the auth server, or
 *     null
 * @param nextUpstream the failures after the request went out that go to another endpoint
 * @param sslPassthrough TLS for the Ingress's hosts is relayed by SNI to its backend, undecrypted
 * @param ewma backends are picked by response time and requests in flight (load-balance: ewma)
 * @param sendTimeoutMs proxy-send-timeout, or null for the read timeout
 */
public record NginxResult(
    List<KeyOutcome> keys,
    boolean regex,
    boolean denied,
    Boolean sslRedirect,
    boolean forceSslRedirect,
    Integer httpRedirectCode,
    String protocol,
    Long connectTimeoutMs,
    Long readTimeoutMs,
    Integer connectAttempts,
    Long rateLimitRps,
    String authType,
    String authSecret,
    String authUrl,
    Long stickyMaxAge,
    RouteRules rules,
    Canary canary,
    io.aralez.api.v1.StickyCookie cookieShape,
    List<String> aliases,
    String defaultBackend,
    boolean serviceUpstream,
    boolean fromToWww,
    UpstreamTls upstreamTls,
    ClientCerts clientCerts,
    CustomHeaders customHeaders,
    String authProxyHeaders,
    io.aralez.api.v1.NextUpstream nextUpstream,
    boolean sslPassthrough,
    boolean ewma,
    Long sendTimeoutMs) {

  /**
   * proxy-ssl-*: the Secret (this namespace; ca.crt, and tls.crt + tls.key for a client
   * certificate), whether to verify, the name verified and sent as SNI.
   *
   * @param secret the Secret's name, or null
   * @param serverName the name verified (and sent), or null for the request's host
   * @param sendServerName proxy-ssl-server-name: on
   * @param verifyDepth proxy-ssl-verify-depth (1 by default)
   */
  public record UpstreamTls(
      String secret,
      boolean verify,
      String serverName,
      boolean sendServerName,
      int verifyDepth,
      List<String> ciphers,
      List<String> protocols) {}

  /**
   * auth-tls-*: the Secret (this namespace) whose ca.crt client certificates must chain to.
   *
   * @param mode on, off, optional or optional_no_ca
   * @param errorPage where a refused client is redirected, or null
   * @param matchCn an RE2 regex the subject DN must contain, or null
   */
  public record ClientCerts(
      String secret,
      String mode,
      int depth,
      boolean passCertificate,
      String errorPage,
      String matchCn) {}

  /**
   * custom-headers.
   *
   * @param configMap the ConfigMap's name (this namespace)
   * @param allowed the header names it may add (lower case; global-allowed-response-headers of
   *     ingress-nginx's ConfigMap), or null for any (an Ingress of Aralez's own class)
   */
  public record CustomHeaders(String configMap, List<String> allowed) {}

  public NginxResult {
    keys = List.copyOf(keys);
    aliases = List.copyOf(aliases);
  }

  /**
   * A canary Ingress: requests of its main Ingress's host and path go to it by header, then cookie,
   * then weight (ingress-nginx's order).
   *
   * @param header with no value: "always" → canary, "never" → main, else the next check; null when
   *     unset
   * @param headerValue only this exact value routes to the canary, or null
   * @param cookie "always" / "never" as for the header, or null
   * @param headerPattern an RE2 regex found in the header's value (used when no headerValue)
   * @param weight the share of the rest that goes to the canary, out of {@code total}
   * @param legacyAffinity the canary's endpoints take no part in the main Ingress's cookie affinity
   *     (affinity-canary-behavior: legacy)
   */
  public record Canary(
      String header,
      String headerValue,
      String headerPattern,
      String cookie,
      int weight,
      int total,
      boolean legacyAffinity) {}

  /** How one annotation was treated. */
  public enum Outcome {
    HONOURED,
    PARTIAL,
    IGNORED,
    REFUSED,
    UNKNOWN,
    INVALID
  }

  /**
   * @param key the whole annotation name
   * @param message what was done, or why not
   */
  public record KeyOutcome(String key, Outcome outcome, String message) {}

  /** Whether the Ingress must not be served (it carries configuration text). */
  public boolean refused() {
    return keys.stream().anyMatch(k -> k.outcome() == Outcome.REFUSED);
  }

  /** The annotations with this outcome. */
  public List<String> with(Outcome o) {
    return keys.stream().filter(k -> k.outcome() == o).map(KeyOutcome::key).toList();
  }
}
