package io.aralez.controller.snapshot.nginx;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every {@code nginx.ingress.kubernetes.io/*} annotation this version knows, with what Aralez does
 * with it. The parser, the Events, {@code --nginx-report} and README's table all read this one
 * list, so they cannot disagree. A key not listed here is unknown (a typo, or a newer key): the
 * Ingress is served and gets a Warning naming it.
 */
public final class Catalogue {
  /** What happens to an annotation. */
  public enum Support {
    /** Programmed with ingress-nginx's semantics. */
    HONOURED,
    /** Programmed with the nearest behaviour; the note says how it differs. */
    PARTIAL,
    /** Accepted and not programmed; the Ingress still serves (Warning Event). */
    IGNORED,
    /** The Ingress is not served (Warning Event): it injects configuration text. */
    REFUSED
  }

  /** One known annotation (the name without the prefix). */
  public record Entry(String name, Support support, String note) {}

  private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();

  static void add(Support s, String note, String... names) {
    for (String n : names) {
      ENTRIES.put(n, new Entry(n, s, note));
    }
  }

  static {
    Support h = Support.HONOURED;
    Support p = Support.PARTIAL;
    Support i = Support.IGNORED;
    add(
        h,
        "whole path replaced, $1..$9 from the path regex, query kept; http(s) target → 302",
        "rewrite-target");
    add(
        h,
        "host-wide, case-insensitive, start-anchored; first match, longest path string first",
        "use-regex");
    add(
        h,
        "308 (ConfigMap http-redirect-code), trailing slash stripped, query kept",
        "ssl-redirect",
        "force-ssl-redirect");
    add(h, "keeps the trailing slash in HTTPS redirects", "preserve-trailing-slash");
    add(
        h,
        "413 above the limit, also while a chunked body streams; 0 = unlimited",
        "proxy-body-size");
    add(h, "seconds", "proxy-connect-timeout", "proxy-read-timeout");
    add(
        h,
        "seconds the backend may take none of the request bytes waiting for it (504); checked"
            + " at a quarter of the timeout, so it ends within 1.25 times it",
        "proxy-send-timeout");
    add(h, "HTTP, HTTPS, GRPC (h2c), GRPCS; AUTO_HTTP is HTTP; FCGI refused", "backend-protocol");
    add(
        h,
        "403 outside the list; client address through trusted proxies",
        "whitelist-source-range",
        "allowlist-source-range");
    add(h, "403 for listed clients, checked before the allow list", "denylist-source-range");
    add(
        h,
        "headers on every response of an allowed origin, preflight answered 204",
        "enable-cors",
        "cors-allow-origin",
        "cors-allow-methods",
        "cors-allow-headers",
        "cors-expose-headers",
        "cors-allow-credentials",
        "cors-max-age");
    add(
        h,
        "Basic with the htpasswd lines of the Secret's key auth (bcrypt, apr1, {SHA}, {PLAIN})",
        "auth-type",
        "auth-secret");
    add(h, "the realm of the Basic challenge", "auth-realm");
    add(
        h,
        "needs --enable-ssl-passthrough: TLS for the rule hosts is relayed by SNI to the backend of"
            + " the / path (or the defaultBackend), never decrypted; plain HTTP is routed as usual",
        "ssl-passthrough");
    add(p, "1.1 only (what Aralez speaks); 1.0 is ignored with an Event", "proxy-http-version");
    add(
        h,
        "round_robin, or ewma: of two ready endpoints drawn at random, the lower peak-EWMA time to"
            + " the response head (10 s decay) times requests in flight + 1; sticky sessions and"
            + " upstream-hash-by win over it; also the ConfigMap's load-balance",
        "load-balance");
    add(
        h,
        "rendezvous hashing of $request_uri, $uri, $host, $remote_addr, $http_*, $cookie_*, $arg_*;"
            + " wins over load-balance; a key moves only when its endpoint goes",
        "upstream-hash-by");
    add(
        h,
        "the key picks a group of subset-size endpoints (3 by default; the same group while they"
            + " stay ready) and each request goes to one of them at random",
        "upstream-hash-by-subset",
        "upstream-hash-by-subset-size");
    add(h, "\"false\" leaves the location's requests out of the access log", "enable-access-log");
    add(
        h,
        "auth-file (htpasswd lines in the key auth) or auth-map (each key a user, its value the"
            + " hash)",
        "auth-secret-type");
    add(h, "any: passing the source lists or the auth is enough", "satisfy");
    add(
        h,
        "the auth request's method, and the X-Auth-Request-Redirect it carries",
        "auth-method",
        "auth-request-redirect");
    add(
        h,
        "www.<host> ↔ <host> redirect (http-redirect-code) unless an Ingress defines the twin, to"
            + " <scheme>://<twin>:<port><target> as ingress-nginx writes it: the port the client"
            + " addressed (Host, else 80/443; a trusted proxy's X-Forwarded-Port/-Proto win), the"
            + " target without one trailing \"/\"",
        "from-to-www-redirect");
    add(
        h,
        "the Service's cluster IP and port instead of its endpoints (affinity and retries then see"
            + " one endpoint); a headless Service keeps its endpoints",
        "service-upstream");
    add(
        h,
        "\"false\" opts the location out of the ConfigMap's global-auth-url",
        "enable-global-auth");
    add(
        h,
        "prefix replaced in the upstream's Location and Refresh (from: off or default leave them)",
        "proxy-redirect-from",
        "proxy-redirect-to");
    add(
        h,
        "Set-Cookie Domain (equal, case-insensitive) and Path (prefix) rewritten; no regex forms",
        "proxy-cookie-domain",
        "proxy-cookie-path");
    add(
        h,
        "2xx lets through; 401 and 403 answered (401 → 302 to auth-signin); else 500",
        "auth-url");
    add(
        h,
        "302 to the sign-in URL ($host expanded) with rd=<scheme>://<host><escaped URI>",
        "auth-signin",
        "auth-signin-redirect-param");
    add(
        h,
        "copied from the auth answer onto the upstream request, replacing the client's",
        "auth-response-headers");
    add(h, "302 to <app-root> for exactly /", "app-root");
    add(
        h,
        "Location as written (a path gets the request's scheme and Host before it, as nginx"
            + " makes it absolute); code 300-308, else 301",
        "permanent-redirect",
        "permanent-redirect-code");
    add(
        h,
        "as permanent-redirect; code 300-307, else 302; wins over permanent",
        "temporal-redirect",
        "temporal-redirect-code");
    add(
        h,
        "\"true\" (annotation or ConfigMap): a permanent- or temporal-redirect that is a path is"
            + " sent as written, not made absolute",
        "relative-redirects");
    add(
        h,
        "nginx's leaky bucket per client and Ingress: burst = rate × limit-burst-multiplier, no"
            + " delay (burst + 1 requests at once, then the rate); 503 like ingress-nginx"
            + " (limit-req-status-code); with limit-rpm a request must pass both",
        "limit-rps");
    add(
        h,
        "same host and path as a main Ingress; header, then cookie, then weight (total only above"
            + " 100); no main Ingress: 404",
        "canary",
        "canary-by-header",
        "canary-by-header-value",
        "canary-by-cookie",
        "canary-weight",
        "canary-weight-total");
    add(
        h,
        "an RE2 regex found anywhere in the header's value (no look-around or back-references);"
            + " ignored when canary-by-header-value is set, as in ingress-nginx",
        "canary-by-header-pattern");
    add(h, "as limit-rps, per minute (burst = rpm × limit-burst-multiplier)", "limit-rpm");
    add(h, "these clients are not rate limited", "limit-whitelist", "limit-allowlist");
    add(
        h,
        "more host names with the same paths; ignored for a host another Ingress defines",
        "server-alias");
    add(
        p,
        "failed connects always try another endpoint; error (reset before an answer), timeout"
            + " (no answer within the read timeout) and http_500/502/503/504/403/404/429 do too"
            + " while no byte went to the client and none of the request body was sent (bodies"
            + " stream, so a request whose body went out is never sent twice); POST, LOCK and"
            + " PATCH only with non_idempotent; tries = attempts (at most 5; 3 by default; off ="
            + " 1)",
        "proxy-next-upstream",
        "proxy-next-upstream-tries");
    add(h, "no new attempt after this many seconds since the first", "proxy-next-upstream-timeout");
    add(
        h,
        "answers while the path's Service is missing or has no ready endpoint, with X-Code: 503,"
            + " X-Service-Name and the rest",
        "default-backend");
    add(
        h,
        "upstream answers with these statuses are replaced by the default-backend's answer to"
            + " GET / (query kept) with X-Code, X-Format, X-Original-URI, X-Request-ID,"
            + " X-Namespace, X-Ingress-Name, X-Service-Name, X-Service-Port; without default-backend"
            + " the controller's --default-backend-service answers; the ConfigMap's list applies"
            + " to Ingresses without their own",
        "custom-http-errors");
    add(
        h,
        "the HTTPS redirect's Location names the port even when it is 443 (the data plane's"
            + " https_redirect_port)",
        "use-port-in-redirects");
    add(
        h,
        "for HTTPS and GRPCS backends: the Secret (this namespace) gives ca.crt (trusted when"
            + " verifying) and tls.crt + tls.key (the client certificate presented); a missing"
            + " Secret or key answers 503; a failed verification is 502",
        "proxy-ssl-secret",
        "proxy-ssl-verify");
    add(
        h,
        "the name verified; with verify on it is also sent as SNI (nginx needs"
            + " proxy-ssl-server-name for that)",
        "proxy-ssl-name");
    add(h, "sends SNI (proxy-ssl-name, else the request's host)", "proxy-ssl-server-name");
    add(
        h,
        "intermediate CAs allowed between the backend's certificate and the trusted CA, counted"
            + " as OpenSSL counts them (1 to 10; 1 by default)",
        "proxy-ssl-verify-depth");
    add(
        h,
        "the named TLS 1.2 suites (OpenSSL or IANA names with forward secrecy or AES-GCM/ChaCha20;"
            + " cipher-list expressions such as HIGH:!aNULL are not evaluated and reported); TLS"
            + " 1.3 suites are not configurable, as in nginx's list",
        "proxy-ssl-ciphers");
    add(
        h,
        "TLSv1.2 and/or TLSv1.3; older protocols are never offered and reported",
        "proxy-ssl-protocols");
    add(
        h,
        "the auth server's Set-Cookie reaches the client with every answer (refusals too), not"
            + " only with the upstream's 2xx and 3xx",
        "auth-always-set-cookie");
    add(
        h,
        "per host, as in ingress-nginx (the oldest Ingress setting it for a host wins): requests"
            + " over TLS to every path of the host must present a client certificate chaining to"
            + " the Secret's ca.crt (this namespace; missing: 503): a missing or invalid one is 400"
            + " (on), an invalid one only (optional), none (optional_no_ca); the handshake asks for"
            + " a certificate for the Ingress's hosts only and never fails on it; plain-HTTP"
            + " requests count as without one",
        "auth-tls-secret",
        "auth-tls-verify-client");
    add(
        h,
        "intermediate CAs allowed between the client's certificate and the trusted CA, counted as"
            + " OpenSSL counts them (1 to 10; 1 by default)",
        "auth-tls-verify-depth");
    add(
        h,
        "ssl-client-cert (the URL-escaped PEM) upstream, besides ssl-client-verify,"
            + " ssl-client-subject-dn and ssl-client-issuer-dn, which are always set",
        "auth-tls-pass-certificate-to-upstream");
    add(h, "a refused client is redirected there (302) instead of 400", "auth-tls-error-page");
    add(
        h,
        "an RE2 regex the verified subject DN (RFC 2253) must contain a match of: 403 otherwise",
        "auth-tls-match-cn");
    add(
        h,
        "the ConfigMap's (this namespace) headers are added to every response, those named in"
            + " the controller ConfigMap's global-allowed-response-headers only (others: Warning);"
            + " a missing ConfigMap answers 503",
        "custom-headers");
    add(
        h,
        "the ConfigMap's (this namespace) headers are set on the forward-auth request; a missing"
            + " ConfigMap answers 503",
        "auth-proxy-set-headers");
    add(
        h,
        "a copy of each request goes to the URL ($request_uri expanded, no other variable), its"
            + " answer dropped; it never holds up the request: the body is copied as it passes,"
            + " up to 64 KiB (larger: no copy), at most 1000 copies in flight per data plane",
        "mirror-target",
        "mirror-host",
        "mirror-request-body");
    add(
        h,
        "true: custom-http-errors is not applied to this Ingress",
        "disable-proxy-intercept-errors");
    add(
        h,
        "requests in flight per client on the location; over it 503 (limit-req-status-code)",
        "limit-connections");
    add(
        h,
        "the burst of limit-rps and limit-rpm is their rate times this (5)",
        "limit-burst-multiplier");
    add(h, "the Host sent upstream; nginx variables are not expanded", "upstream-vhost");
    add(h, "only with rewrite-target, as in ingress-nginx", "x-forwarded-prefix");
    add(
        h,
        "cookie INGRESSCOOKIE (or session-cookie-name), Path = the Ingress path, HttpOnly, Secure"
            + " over HTTPS; the value is Aralez's own",
        "affinity");
    add(
        h,
        "the cookie's attributes as ingress-nginx sets them",
        "session-cookie-name",
        "session-cookie-path",
        "session-cookie-domain",
        "session-cookie-samesite",
        "session-cookie-secure",
        "session-cookie-max-age",
        "session-cookie-expires");
    add(
        h,
        "false (the default): a request failed over from its cookie's endpoint keeps the cookie,"
            + " so the session returns while that endpoint exists; true: the cookie follows the"
            + " endpoint that answered",
        "session-cookie-change-on-failure");
    add(
        h,
        "\"true\" with samesite None: the attribute is left out for the user agents Chromium lists"
            + " as rejecting or misreading SameSite=None (Chrome 40-69, iOS 12, Safari on macOS"
            + " 10.14)",
        "session-cookie-conditional-samesite-none");
    add(
        h,
        "on the canary Ingress. sticky (the default): with the main Ingress's affinity the"
            + " canary's endpoints share its cookie, so a session stays on the side it landed on;"
            + " legacy: the canary's endpoints never get or honour the cookie, so a session is"
            + " drawn again on each request until it lands on the main backend, which pins it",
        "affinity-canary-behavior");
    add(
        p,
        "persistent is what Aralez does (a session moves only when its backend goes);"
            + " balanced does not move sessions to endpoints added later",
        "affinity-mode");
    UnservedAnnotations.register();
  }

  private Catalogue() {}

  /** The entry of {@code name} (without prefix), or null when unknown. */
  public static Entry entry(String name) {
    return ENTRIES.get(name);
  }

  /**
   * README's table of ingress-nginx annotations, one row per support level and note (keys that
   * share them are listed together).
   */
  public static String markdownTable() {
    StringBuilder out =
        new StringBuilder("| Annotations (`nginx.ingress.kubernetes.io/…`) | Aralez | Notes |\n");
    out.append("|---|---|---|\n");
    Map<String, List<String>> rows = new LinkedHashMap<>();
    for (Entry e : ENTRIES.values()) {
      rows.computeIfAbsent(e.support() + "\u0000" + e.note(), k -> new java.util.ArrayList<>())
          .add("`" + e.name() + "`");
    }
    rows.forEach(
        (k, names) -> {
          String[] sn = k.split("\u0000", 2);
          out.append("| ")
              .append(String.join(", ", names))
              .append(" | ")
              .append(sn[0].toLowerCase(java.util.Locale.ROOT))
              .append(" | ")
              .append(sn[1].replace("|", "\\|"))
              .append(" |\n");
        });
    return out.toString();
  }

  /** Every known entry, in the order of the table (most used first). */
  public static List<Entry> entries() {
    return List.copyOf(ENTRIES.values());
  }
}
