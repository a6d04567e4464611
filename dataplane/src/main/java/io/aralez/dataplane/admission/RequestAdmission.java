package io.aralez.dataplane.admission;

import io.aralez.dataplane.config.ProxySettings;
import io.aralez.dataplane.config.RouteRules;
import io.aralez.dataplane.policy.ClientIdentity;
import io.aralez.dataplane.request.RequestHead;
import io.aralez.dataplane.request.RequestTarget;
import io.aralez.dataplane.routing.RouteEntry;
import io.aralez.dataplane.runtime.ActiveConfig;
import java.util.List;

/**
 * Decides what happens to a request before any upstream is involved: route it, then pass it through
 * the route's policies in order. Free of I/O and of any codec, so every policy is a plain unit test
 * and the same decisions serve HTTP/1.1 and HTTP/2.
 */
public final class RequestAdmission {
  private final ClientIdentity identity;
  private final AcmeChallengeStep acme;
  private final List<AdmissionStep> steps;
  private final List<AdmissionStep> plainSteps;
  private final Rejections rejections;

  public RequestAdmission(RequestServices services, ProxySettings settings) {
    this.identity = services.identity();
    this.acme = new AcmeChallengeStep(settings.secure(), services.challenges());
    this.rejections = services.metrics()::rejected;
    // The order is the contract: shedding first, limits before anything costly, redirects before
    // access checks
    // and auth (the original and nginx answer them to anyone), CORS before the answers that should
    // carry its headers (a 401), auth before the path is rewritten and a backend chosen. Each step
    // returns at once when its route does not use it.
    ErrorLimitStep errors = new ErrorLimitStep(services.errors(), rejections);
    RateLimitStep rate = new RateLimitStep(services.rate(), rejections);
    RedirectStep redirect = new RedirectStep();
    HttpsRedirectStep https = new HttpsRedirectStep(settings.secure(), settings.httpsPort());
    DirectStatusStep direct = new DirectStatusStep();
    AuthStep auth = new AuthStep(settings.masterKey(), rejections);
    BackendStep backend = new BackendStep();
    OverloadStep overload = new OverloadStep(services.pressure(), rejections);
    this.steps =
        List.of(
            overload,
            errors,
            rate,
            new NginxRateStep(services.rate(), rejections),
            new ConcurrencyStep(services.concurrency(), rejections),
            new HstsStep(settings.secure()),
            redirect,
            new FixedRedirectStep(settings.secure()),
            https,
            new AppRootStep(settings.secure()),
            new ClientCertStep(),
            new SourceAccessStep(rejections),
            new BodyLimitStep(rejections),
            new CorsStep(),
            direct,
            auth,
            new RewriteStep(),
            backend);
    // A route without request rules (most of them) skips their steps altogether: the same list,
    // in the same order, without them.
    this.plainSteps = List.of(overload, errors, rate, redirect, https, direct, auth, backend);
  }

  /**
   * @param config the config this request reads, once, for its whole life
   * @param peer the address of the connection's peer
   */
  public Admission admit(ActiveConfig config, RequestHead head, RequestTarget target, String peer) {
    Verdict.Local challenge = acme.check(config, head, target);
    if (challenge != null) {
      return new Admission(RequestFacts.unrouted(hostOf(target), peer), challenge);
    }
    RouteEntry entry = config.router().route(target.host(), target.canonicalPath(), head);
    if (entry == null) {
      return new Admission(RequestFacts.unrouted(hostOf(target), peer), Verdict.Local.of(404));
    }
    if (!target.backendPath().equals(target.canonicalPath())
        && config.router().route(target.host(), target.backendPath(), head) != entry) {
      // "/public/..%2fadmin" or "/admin;x": the raw line goes upstream, and a backend that
      // decodes it would serve a route whose policies were not applied. Refuse rather than guess.
      rejections.rejected("ambiguous_path");
      return new Admission(RequestFacts.unrouted(hostOf(target), peer), Verdict.Local.of(400));
    }
    Admitting request =
        new Admitting(config, head, target, entry, facts(entry, head, hostOf(target), peer));
    for (AdmissionStep step : entry.route().rules() == RouteRules.NONE ? plainSteps : steps) {
      Verdict.Local answer = step.check(request);
      if (answer != null) {
        if (request.permit != null) {
          // Answered here: the request ends with this answer, its place with it.
          request.permit.release();
        }
        return new Admission(request.facts, request.withResponseHeaders(answer));
      }
    }
    Verdict.Forward forward =
        new Verdict.Forward(
            entry,
            request.index,
            request.sticky != null ? request.sticky : config.config().stickyFor(entry.route()),
            request.stickyId,
            request.uri,
            request.edits());
    return new Admission(
        request.facts,
        request.callout == null ? forward : new Verdict.Callout(forward, request.callout),
        request.permit);
  }

  private static String hostOf(RequestTarget target) {
    return target.host() == null ? "-" : target.host();
  }

  private RequestFacts facts(RouteEntry entry, RequestHead head, String requestHost, String peer) {
    var route = entry.route();
    boolean trusted = identity.isTrusted(peer);
    String client =
        trusted
            ? identity.resolve(peer, head.headers("x-forwarded-for"), head.headers("forwarded"))
            : peer;
    // Only routes with limits pay for the key.
    String limitKey =
        route.rateLimit() != null || route.x4xxLimit() != null ? client + "|" + route.host() : null;
    return new RequestFacts(
        requestHost,
        route.host(),
        route.path(),
        client,
        trusted,
        limitKey,
        route.x4xxLimit(),
        !route.rules().noAccessLog());
  }
}
