package io.aralez.dataplane.proxy;

import io.aralez.dataplane.admission.Verdict;
import io.aralez.dataplane.config.ProxySettings;
import io.aralez.dataplane.policy.AuthDecision;
import io.aralez.dataplane.request.RequestTarget;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import java.util.function.Consumer;

/**
 * Runs an authorization decision that cannot be taken on the request path (bcrypt on its pool, a
 * forward-auth server) and reports, on the event loop, either "go" or the response to give in the
 * request's place. Fails closed: no answer in time is 503.
 */
final class AuthCallout {
  /** The outcome: {@code refusal} is null when the request may go on. */
  interface Done {
    void calloutDone(Exchange ex, FullHttpResponse refusal);
  }

  private final Verdict.Callout callout;
  private final Exchange ex;
  private final HttpRequest req;
  private final RequestTarget target;
  private final String client;
  private final Exchange.Services services;
  private final EventLoop loop;

  /**
   * @param ex the exchange waiting for the decision; forward-auth headers are applied to its head
   * @param client the client address, resolved through trusted proxies
   */
  AuthCallout(
      Verdict.Callout callout,
      Exchange ex,
      HttpRequest req,
      RequestTarget target,
      String client,
      Exchange.Services services,
      EventLoop loop) {
    this.callout = callout;
    this.ex = ex;
    this.req = req;
    this.target = target;
    this.client = client;
    this.services = services;
    this.loop = loop;
  }

  void run(ByteBufAllocator alloc, Done then) {
    // Refusals decided here count like those admission decides on the request path.
    String reason =
        callout.decision() instanceof AuthDecision.Pending ? "auth_BASIC" : "auth_FORWARD";
    Done done =
        (ex, refusal) -> {
          if (refusal != null) {
            services.metrics().rejected(reason);
          }
          then.calloutDone(ex, refusal);
        };
    if (callout.decision() instanceof AuthDecision.Pending pending) {
      pending
          .result()
          .whenComplete(
              (d, err) ->
                  loop.execute(
                      () ->
                          done.calloutDone(
                              ex, refusal(err == null ? d : null, challenge(), alloc))));
      return;
    }
    String url = ((AuthDecision.Forward) callout.decision()).url();
    ProxySettings settings = services.settings();
    ForwardAuthCall.start(
            services.pool(),
            loop,
            url,
            req,
            target,
            client,
            settings.secure(),
            settings.forwardAuthTimeout(),
            callout.forward().entry().route().rules().externalAuth())
        .addListener(
            (io.netty.util.concurrent.Future<SideCall.Result> f) -> {
              var external = callout.forward().entry().route().rules().externalAuth();
              Consumer<FullHttpResponse> answer = r -> done.calloutDone(ex, r);
              if (external != null) {
                SideCall.Result r = f.getNow();
                if (r.answered() && r.status() >= 200 && r.status() < 300) {
                  ex.authCookies(r.headers().getAll("set-cookie"), external.alwaysSetCookie());
                }
                ExternalAuthAnswer.decide(
                    ex.upstreamHead().headers(),
                    f.getNow(),
                    external,
                    target,
                    settings.secure(),
                    alloc,
                    answer);
              } else {
                forwarded(ex, f.getNow(), alloc, answer);
              }
            });
  }

  /** A bcrypt outcome: null (allowed), 401, or 503 when the check itself failed. */
  private String challenge() {
    return callout.forward().entry().route().rules().basicChallenge();
  }

  private static FullHttpResponse refusal(
      AuthDecision decision, String challenge, ByteBufAllocator alloc) {
    if (decision instanceof AuthDecision.Allow) {
      return null;
    }
    if (decision instanceof AuthDecision.Deny deny) {
      return LocalResponses.unauthorized(alloc, deny.challenge() ? challenge : null);
    }
    return LocalResponses.unavailable(alloc);
  }

  private static void forwarded(
      Exchange ex,
      SideCall.Result result,
      ByteBufAllocator alloc,
      Consumer<FullHttpResponse> then) {
    int status = result.status();
    try {
      if (status >= 200 && status < 300) {
        HeaderRewriter.allowedBy(ex.upstreamHead().headers(), result.headers());
        then.accept(null);
      } else if (status == 0) {
        // The auth server did not answer in time: fail closed.
        then.accept(LocalResponses.unavailable(alloc));
      } else {
        then.accept(LocalResponses.relay(alloc, result));
      }
    } finally {
      if (result.body() != null) {
        result.body().release();
      }
    }
  }
}
