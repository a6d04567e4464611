package io.aralez.dataplane.config;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The request rules of a route beyond routing and the classic policies: what ingress-nginx users
 * know as rewrite-target, app-root, permanent-redirect, proxy-body-size, upstream-vhost, the source
 * allow and deny lists, CORS and HSTS. Each admission step reads only its own field and returns at
 * once when it is unset, so a route that uses none of them pays nothing.
 *
 * @param rewrite the target sent upstream ({@code $1..$9}: groups of the route's regex path), or
 *     null
 * @param forwardedPrefix X-Forwarded-Prefix sent with a rewritten request, or null
 * @param redirect a fixed redirect answered to every request, or null
 * @param appRoot where a request for exactly "/" is sent (302), or null
 * @param maxBodyBytes the largest request body accepted (413 above), or -1 for no limit
 * @param upstreamHost the Host header sent upstream instead of the client's, or null
 * @param access the client addresses refused or let in, or null
 * @param cors cross-origin headers and preflight answers, or null
 * @param hsts the Strict-Transport-Security value for responses over TLS, or null
 * @param rateLimitStatus the status of rate-limit rejections (429 unless ingress-nginx's 503)
 * @param httpsRedirect how the HTTPS redirect's Location is written
 * @param externalAuth forward auth with ingress-nginx's semantics, or null for Aralez's own
 * @param limitExempt client addresses the rate and concurrency limits do not apply to
 * @param maxConcurrentPerClient requests in flight per client on the route, 0 for no limit
 * @param authRealm the realm of the Basic challenge, or null for Aralez's
 * @param hashBy the consistent-hashing key expression, or null for the route's balancing
 * @param noAccessLog the route's requests are left out of the access log
 * @param responseRewrite rewrites of the upstream's Location and Set-Cookie, or null
 * @param satisfyAny passing either the source lists or the auth is enough
 * @param errorPages upstream error statuses answered by an error backend instead, or null
 * @param clientAuth the client certificates the route checks, or null
 * @param mirror where a copy of each request goes, or null
 * @param hashSubsetSize with hashBy, the size of the group a key picks (a request goes to one of
 *     them at random), or 0 for one backend per key
 * @param nginxRate ingress-nginx's limit-rps / limit-rpm (the route's own rate limit is then not
 *     applied), or null
 */
public record RouteRules(
    String rewrite,
    String forwardedPrefix,
    FixedRedirect redirect,
    String appRoot,
    long maxBodyBytes,
    String upstreamHost,
    SourceAccess access,
    Cors cors,
    String hsts,
    int rateLimitStatus,
    HttpsRedirect httpsRedirect,
    ExternalAuth externalAuth,
    List<Cidr> limitExempt,
    int maxConcurrentPerClient,
    String authRealm,
    String hashBy,
    boolean noAccessLog,
    ResponseRewrite responseRewrite,
    boolean satisfyAny,
    ErrorPages errorPages,
    ClientAuth clientAuth,
    Mirror mirror,
    int hashSubsetSize,
    NginxRate nginxRate) {

  public static final RouteRules NONE =
      new RouteRules(
          null,
          null,
          null,
          null,
          -1,
          null,
          null,
          null,
          null,
          429,
          HttpsRedirect.PLAIN,
          null,
          List.of(),
          0,
          null,
          null,
          false,
          null,
          false,
          null,
          null,
          null,
          0,
          null);

  public RouteRules {
    limitExempt = List.copyOf(limitExempt);
  }

  /** Whether the rate limit spares a client at {@code address}. */
  public boolean limitExempts(String address) {
    if (limitExempt.isEmpty()) {
      return false;
    }
    byte[] ip = Cidr.address(address);
    if (ip == null) {
      return false;
    }
    for (Cidr c : limitExempt) {
      if (c.contains(ip)) {
        return true;
      }
    }
    return false;
  }

  /** The same rules with {@code externalAuth}. */
  public RouteRules withExternalAuth(ExternalAuth externalAuth) {
    return with(externalAuth, errorPages, mirror);
  }

  /** The same rules with {@code errorPages}. */
  public RouteRules withErrorPages(ErrorPages errorPages) {
    return with(externalAuth, errorPages, mirror);
  }

  /** The same rules with {@code mirror}. */
  public RouteRules withMirror(Mirror mirror) {
    return with(externalAuth, errorPages, mirror);
  }

  private RouteRules with(ExternalAuth externalAuth, ErrorPages errorPages, Mirror mirror) {
    return new RouteRules(
        rewrite,
        forwardedPrefix,
        redirect,
        appRoot,
        maxBodyBytes,
        upstreamHost,
        access,
        cors,
        hsts,
        rateLimitStatus,
        httpsRedirect,
        externalAuth,
        limitExempt,
        maxConcurrentPerClient,
        authRealm,
        hashBy,
        noAccessLog,
        responseRewrite,
        satisfyAny,
        errorPages,
        clientAuth,
        mirror,
        hashSubsetSize,
        nginxRate);
  }

  /**
   * nginx's limit_req with nodelay, per client: rates per second and per minute (0: none), each
   * with a burst of its rate times {@code burstMultiplier}; routes of one {@code zone} (one
   * Ingress) share a client's buckets, a null zone keeps them to the route.
   */
  public record NginxRate(long perSecond, long perMinute, int burstMultiplier, String zone) {}

  /**
   * ingress-nginx's mirror-*: a copy of each request, whose answer is dropped.
   *
   * @param target an absolute http(s) URL; {@code $request_uri} is the request's target
   * @param host the Host of the copy, or null for the target's authority
   * @param body whether the copy carries the request's body
   */
  public record Mirror(String target, String host, boolean body) {}

  /**
   * ingress-nginx's auth-tls-*: the client certificate a request over TLS must (or may) present.
   *
   * @param cas what a certificate must chain to
   * @param mode {@code on}, {@code optional}, {@code optional_no_ca} or {@code off}
   * @param depth intermediate CAs allowed between the client's certificate and the trusted CA
   * @param passCertificate the certificate goes upstream in ssl-client-cert
   * @param errorPage where a refused client is sent (302) instead of 400, or null
   * @param matchCn what the subject DN must contain a match of (403 otherwise), or null
   */
  public record ClientAuth(
      List<java.security.cert.X509Certificate> cas,
      String mode,
      int depth,
      boolean passCertificate,
      String errorPage,
      com.google.re2j.Pattern matchCn) {
    public ClientAuth {
      cas = List.copyOf(cas);
    }
  }

  /**
   * ingress-nginx's custom-http-errors: an upstream answer with one of {@code codes} is dropped and
   * the client gets what an error backend answers instead.
   *
   * @param backends the error backends (the route's default backend); none: nothing is replaced
   * @param headers sent to the error backend besides X-Code and the request's own
   */
  public record ErrorPages(
      java.util.Set<Integer> codes,
      List<ProxyConfig.Backend> backends,
      List<ProxyConfig.Header> headers) {
    public ErrorPages {
      codes = java.util.Set.copyOf(codes);
      backends = List.copyOf(backends);
      headers = List.copyOf(headers);
    }

    /** Whether an upstream answer with {@code status} is replaced. */
    public boolean intercepts(int status) {
      return !backends.isEmpty() && codes.contains(status);
    }

    /** The same codes answered by {@code backends}, told {@code headers}. */
    public ErrorPages servedBy(
        List<ProxyConfig.Backend> backends, List<ProxyConfig.Header> headers) {
      return new ErrorPages(codes, backends, headers);
    }
  }

  /**
   * Prefix replacements in the upstream's answer; a null "from" leaves that part alone.
   *
   * @param locationFrom replaced at the start of Location and Refresh's URL
   * @param cookieDomainFrom a Set-Cookie Domain equal to it (case-insensitive) becomes the "to"
   * @param cookiePathFrom replaced at the start of a Set-Cookie Path
   */
  public record ResponseRewrite(
      String locationFrom,
      String locationTo,
      String cookieDomainFrom,
      String cookieDomainTo,
      String cookiePathFrom,
      String cookiePathTo) {}

  /**
   * @param stripSlash one trailing "/" of the path is dropped (ingress-nginx's default)
   * @param explicitPort the port is written even when it is 443
   */
  public record HttpsRedirect(boolean stripSlash, boolean explicitPort) {
    public static final HttpsRedirect PLAIN = new HttpsRedirect(false, false);
  }

  /** The WWW-Authenticate value of this route's Basic challenge. */
  public String basicChallenge() {
    return authRealm == null
        ? io.aralez.dataplane.policy.Authenticator.BASIC_CHALLENGE
        : "Basic realm=\"" + authRealm + "\"";
  }

  /**
   * ingress-nginx's forward auth: 2xx lets through, 401 and 403 are answered (401 as a 302 to
   * {@code signinUrl} when set), anything else is 500.
   *
   * @param signinUrl where a 401 sends the client ({@code $host} expanded), or null
   * @param redirectParam the query parameter carrying the original URL ({@code rd})
   * @param responseHeaders headers copied from the auth answer onto the upstream request
   * @param method the auth request's method, or null for GET (HEAD for a HEAD)
   * @param requestRedirect X-Auth-Request-Redirect sent to the auth server, or null for the URI
   * @param alwaysSetCookie the auth server's Set-Cookie goes with every answer, refusals too
   * @param requestHeaders set on the auth request
   */
  public record ExternalAuth(
      String signinUrl,
      String redirectParam,
      List<String> responseHeaders,
      String method,
      String requestRedirect,
      boolean alwaysSetCookie,
      List<ProxyConfig.Header> requestHeaders) {
    public ExternalAuth {
      responseHeaders = List.copyOf(responseHeaders);
      requestHeaders = List.copyOf(requestHeaders);
    }
  }

  /** Whether any rule is set (the route then needs more than routing). */
  public boolean isEmpty() {
    return equals(NONE);
  }

  /**
   * @param location sent as written but for {@code $scheme} and {@code $request_uri}
   * @param code 300-308
   * @param withPort {@code $request_uri} stands for the port the client addressed and the target
   *     without one trailing "/" (ingress-nginx's from-to-www-redirect)
   * @param absolute a location that is a path is sent as the request's scheme and Host before it
   */
  public record FixedRedirect(String location, int code, boolean withPort, boolean absolute) {
    public FixedRedirect(String location, int code) {
      this(location, code, false, false);
    }

    public FixedRedirect(String location, int code, boolean withPort) {
      this(location, code, withPort, false);
    }
  }

  /** Addresses to refuse (checked first) and, when not empty, the only ones to let in. */
  public record SourceAccess(List<Cidr> deny, List<Cidr> allow) {
    public SourceAccess {
      deny = List.copyOf(deny);
      allow = List.copyOf(allow);
    }

    /** Whether a client at {@code address} (an IP literal) may use the route. */
    public boolean admits(String address) {
      byte[] ip = Cidr.address(address);
      if (ip == null) {
        // Not an address we can place (a Unix socket peer): only an open route admits it.
        return allow.isEmpty() && deny.isEmpty();
      }
      for (Cidr c : deny) {
        if (c.contains(ip)) {
          return false;
        }
      }
      if (allow.isEmpty()) {
        return true;
      }
      for (Cidr c : allow) {
        if (c.contains(ip)) {
          return true;
        }
      }
      return false;
    }
  }

  /**
   * Cross-origin resource sharing, answered the way ingress-nginx does.
   *
   * @param anyOrigin the list was "*": the literal "*" is sent
   * @param origins compiled origin patterns (case-insensitive, whole string)
   */
  public record Cors(
      boolean anyOrigin,
      List<Pattern> origins,
      String allowMethods,
      String allowHeaders,
      String exposeHeaders,
      boolean allowCredentials,
      long maxAgeSeconds) {
    public Cors {
      origins = List.copyOf(origins);
    }

    /**
     * The pattern of one origin: {@code scheme://host[:port]}, where the host may start with {@code
     * *.} for exactly one label. Without a port in the list, an origin with one does not match.
     */
    public static Pattern origin(String origin) {
      String o = origin.trim();
      int scheme = o.indexOf("://");
      if (scheme <= 0) {
        throw new IllegalArgumentException("CORS origin '" + origin + "' is not scheme://host");
      }
      String rest = o.substring(scheme + 3);
      if (rest.isEmpty() || !rest.matches("(\\*\\.)?[A-Za-z0-9.-]+(:\\d{1,5})?")) {
        throw new IllegalArgumentException("CORS origin '" + origin + "' is not scheme://host");
      }
      StringBuilder re = new StringBuilder(Pattern.quote(o.substring(0, scheme + 3)));
      if (rest.startsWith("*.")) {
        re.append("[A-Za-z0-9-]+");
        rest = rest.substring(1);
      }
      re.append(Pattern.quote(rest));
      return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE);
    }

    /** Whether {@code origin} is allowed. */
    public boolean allows(String origin) {
      if (anyOrigin) {
        return true;
      }
      for (Pattern p : origins) {
        if (p.matcher(origin).matches()) {
          return true;
        }
      }
      return false;
    }
  }
}
