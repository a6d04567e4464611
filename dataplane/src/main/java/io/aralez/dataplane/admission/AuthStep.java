package io.aralez.dataplane.admission;

import io.aralez.dataplane.config.ProxyConfig.AuthPolicy;
import io.aralez.dataplane.policy.AuthDecision;
import io.aralez.dataplane.policy.Authenticator;

/**
 * The route's {@code authorization}: decided here when it can be (API key, JWT, cached Basic), else
 * left as a callout for the proxy to run off the request path (bcrypt, forward auth).
 */
final class AuthStep implements AdmissionStep {
  private final String masterKey;
  private final Rejections rejections;

  AuthStep(String masterKey, Rejections rejections) {
    this.masterKey = masterKey;
    this.rejections = rejections;
  }

  @Override
  public Verdict.Local check(Admitting r) {
    var policy = r.route().auth();
    if (policy.type() == AuthPolicy.Type.NONE) {
      // Most routes: no header reader made for nothing (a bound method reference per request
      // showed in the profile, bench/README.md seventeenth session).
      return null;
    }
    if (r.route().rules().satisfyAny() && Boolean.TRUE.equals(r.sourceAdmitted)) {
      // satisfy any: the source lists already let this client in.
      return null;
    }
    AuthDecision auth = Authenticator.check(policy, r.head::header, r.target.uri(), masterKey);
    if (auth instanceof AuthDecision.Deny deny) {
      rejections.rejected("auth_" + policy.type().name());
      return deny.challenge()
          ? Verdict.Local.of(401, "www-authenticate", r.route().rules().basicChallenge())
          : Verdict.Local.of(401);
    }
    if (auth instanceof AuthDecision.Allow allow && allow.uri() != null) {
      r.uri = allow.uri();
    } else if (auth instanceof AuthDecision.Pending pending) {
      r.callout = pending;
      if (pending.uri() != null) {
        r.uri = pending.uri();
      }
    } else if (auth instanceof AuthDecision.Forward) {
      r.callout = auth;
    }
    return null;
  }
}
