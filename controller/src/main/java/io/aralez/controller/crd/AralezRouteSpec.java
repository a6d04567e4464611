package io.aralez.controller.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.ArrayList;
import java.util.List;

/**
 * What an AralezRoute asks for. Every field is typed; there is no free-form configuration. Secrets
 * are referenced by name in the route's own namespace, never inlined.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AralezRouteSpec {
  /** The IngressClass that serves this route; empty: every Aralez controller watching it. */
  public String ingressClassName;

  /** Precise names or "*.suffix" (exactly one label, as for Ingress). */
  @Required public List<String> hostnames = new ArrayList<>();

  public Tls tls;

  /** Policies every route inherits unless it sets its own. */
  public Policies defaults;

  @Required public List<Rule> routes = new ArrayList<>();

  /** TLS for the host names: a kubernetes.io/tls Secret of the same namespace. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Tls {
    public String secretName;
    public HttpsRedirect httpsRedirect;

    /**
     * Keep {@code secretName} certified for the hostnames with ACME HTTP-01 (the controller must
     * run with --acme-directory); a Secret it did not create is never overwritten.
     */
    public Boolean acme;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class HttpsRedirect {
    public Boolean enabled;

    /** 301 (default), 302, 307 or 308. */
    @Min(301)
    @Max(308)
    public Integer statusCode;
  }

  /** One routing rule: matches (OR) → backends or a redirect, with its policies. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Rule extends Policies {
    public String name;

    /** Any one of these matches selects the rule; none means every request of the hosts. */
    public List<Match> matches = new ArrayList<>();

    public List<Backend> backends = new ArrayList<>();

    /** Instead of backends. */
    public Redirect redirect;
  }

  /** All conditions of one match must hold. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Match {
    public PathMatch path;
    public List<NameValue> headers = new ArrayList<>();
    public List<NameValue> queryParams = new ArrayList<>();

    @Pattern("^(GET|HEAD|POST|PUT|DELETE|PATCH|OPTIONS|TRACE)$")
    public String method;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class PathMatch {
    /** Exact or PathPrefix (default). */
    @Pattern("^(Exact|PathPrefix)$")
    public String type;

    @Required
    @Pattern("^/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$")
    public String value;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class NameValue {
    @Required
    @Pattern("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")
    public String name;

    @Required public String value;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Backend {
    @Required public ServiceRef service;

    /** Share of the traffic, 0 to 1000000 (default 1); 0 sends nothing. */
    @Min(0)
    @Max(1000000)
    public Integer weight;

    /** HTTP (default), HTTPS, H2, H2C; else from the Service port's appProtocol. */
    @Pattern("^(HTTP|HTTPS|H2|H2C)$")
    public String protocol;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ServiceRef {
    @Required public String name;
    @Required public Port port;
  }

  /** A Service port by number or by name (exactly one). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Port {
    @Min(1)
    @Max(65535)
    public Integer number;

    public String name;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Redirect {
    /** Absolute URL prefix; the request path and query are appended. */
    @Required
    @Pattern("^https?://[^\\s]+$")
    public String url;

    @Min(301)
    @Max(308)
    public Integer statusCode;
  }

  /** Policies a rule sets, or inherits from {@code defaults}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Policies {
    public RateLimit rateLimit;
    public RateLimit errorRateLimit;
    public Authentication authentication;
    public List<NameValue> requestHeaders;
    public List<NameValue> responseHeaders;
    public SessionAffinity sessionAffinity;
    public HealthCheck healthCheck;
    public Timeouts timeouts;
    public Retry retry;

    /** Requests in flight per backend address and the queue in front of that cap. */
    public Connections connections;

    /** Rewrites the path (and Host) sent upstream, as Gateway API's URLRewrite filter. */
    public UrlRewrite urlRewrite;

    /** Cross-origin requests, as Gateway API's CORS filter; preflights are answered locally. */
    public Cors cors;

    /** Client addresses refused (deny wins) or, when allow is set, the only ones let in: 403. */
    public SourceRanges sourceRanges;

    /** The largest request body, an nginx size ("8m", "512k", "0" for no limit): 413 above. */
    @Pattern("^[0-9]{1,12}[bkmgBKMG]?$")
    public String maxRequestBodySize;

    /** Strict-Transport-Security on responses over TLS, e.g. "max-age=31536000". */
    @Pattern("^max-age=[0-9]{1,10}(; ?includeSubDomains)?(; ?preload)?$")
    public String hsts;

    /**
     * Upstream answers with these statuses are replaced by what {@code service} answers to GET /
     * (told X-Code, X-Original-URI...); it also answers while the rule has no ready endpoint.
     */
    public ErrorPages errorPages;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ErrorPages {
    /** HTTP statuses from 400 to 599. */
    @Required public List<Integer> statusCodes = new ArrayList<>();

    /** The error backend, in the route's namespace, spoken to with HTTP/1.1. */
    @Required public ServiceRef service;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class UrlRewrite {
    /** The Host header sent upstream. */
    @Pattern("^[A-Za-z0-9.:_-]{1,255}$")
    public String hostname;

    public PathRewrite path;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class PathRewrite {
    /** ReplaceFullPath or ReplacePrefixMatch (the matched PathPrefix is replaced). */
    @Required
    @Pattern("^(ReplaceFullPath|ReplacePrefixMatch)$")
    public String type;

    @Pattern("^/[A-Za-z0-9._~!&'()*+,;=:@%/-]*$")
    public String replaceFullPath;

    @Pattern("^/[A-Za-z0-9._~!&'()*+,;=:@%/-]*$")
    public String replacePrefixMatch;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Cors {
    /** "*" or origins scheme://host[:port]; a host may start with "*." (one label). */
    public List<String> allowOrigins;

    public List<String> allowMethods;
    public List<String> allowHeaders;
    public List<String> exposeHeaders;
    public Boolean allowCredentials;

    /** Access-Control-Max-Age in seconds (default 1728000). */
    @Min(0)
    public Integer maxAge;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class SourceRanges {
    /** CIDR blocks or addresses. */
    public List<String> allow;

    public List<String> deny;
  }

  /** Upstream timeouts: durations like 500ms, 5s, 1m (at most 1h). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Timeouts {
    /** Connecting to a backend (default: the data plane's upstream_connect_timeout). */
    @Pattern("^([0-9]+(ms|s|m|h))+$")
    public String connect;

    /** Longest wait for the backend while it owes data (default: upstream_read_timeout). */
    @Pattern("^([0-9]+(ms|s|m|h))+$")
    public String read;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Connections {
    /**
     * Requests in flight per backend address, across every route sending to it (each holds one
     * HTTP/1.1 connection); past it requests wait in the queue.
     */
    @Min(1)
    public Integer max;

    /** Requests that may wait for a place (default: the data plane's upstream_queue_size). */
    @Min(0)
    public Integer queueSize;

    /** How long they wait before 503 (default: the data plane's upstream_queue_timeout). */
    @Pattern("^([0-9]+(ms|s|m|h))+$")
    public String queueTimeout;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Retry {
    /** Backends tried when connecting fails (default 2: one retry on another backend). */
    @Min(1)
    @Max(5)
    public Integer connectAttempts;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class RateLimit {
    /** Requests (or, for errorRateLimit, 4xx answers) per second per client. */
    @Required
    @Min(1)
    public Long requests;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Authentication {
    /** None (turns off an inherited one), Basic, APIKey, JWT, Forward. */
    @Required
    @Pattern("^(None|Basic|APIKey|JWT|Forward)$")
    public String type;

    /**
     * Basic: key "auth" (htpasswd lines, bcrypt). APIKey: key "api-keys" (one per line). JWT: key
     * "jwt-secret".
     */
    public SecretRef secretRef;

    /** Forward: the http(s) URL of the auth service. */
    @Pattern("^https?://[^\\s]+$")
    public String forwardUrl;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class SecretRef {
    @Required public String name;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class SessionAffinity {
    /** Cookie Max-Age in seconds; absent for a session cookie. */
    @Min(1)
    public Long maxAgeSeconds;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class HealthCheck {
    public Boolean enabled;
  }
}
