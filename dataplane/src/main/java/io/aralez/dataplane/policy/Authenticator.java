package io.aralez.dataplane.policy;

import io.aralez.dataplane.config.ProxyConfig.AuthPolicy;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * Decides whether a request may use a route. Pure: headers in, verdict out. Secrets are compared in
 * constant time so response timing does not leak how much of a guess was right.
 */
public final class Authenticator {
  /** The outcome of a check. */
  public enum Verdict {
    ALLOW,
    /** Missing or wrong credentials: 401. */
    DENY,
    /** The route's method is not available in this build: refused (fail closed). */
    UNSUPPORTED
  }

  private Authenticator() {}

  public static Verdict check(AuthPolicy policy, HttpHeaders headers) {
    return switch (policy.type()) {
      case NONE -> Verdict.ALLOW;
      case BASIC -> basic(policy, headers.get("authorization"));
      case APIKEY -> apiKey(policy, headers.get("x-api-key"));
      case JWT, FORWARD -> Verdict.UNSUPPORTED;
    };
  }

  private static Verdict basic(AuthPolicy policy, String header) {
    if (header == null || header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return Verdict.DENY;
    }
    byte[] given;
    try {
      given = Base64.getDecoder().decode(header.substring(6).trim());
    } catch (IllegalArgumentException e) {
      return Verdict.DENY;
    }
    boolean ok = false;
    for (String credential : policy.data()) {
      // Check every entry, so timing does not reveal which user matched.
      ok |= MessageDigest.isEqual(given, credential.getBytes(StandardCharsets.UTF_8));
    }
    return ok ? Verdict.ALLOW : Verdict.DENY;
  }

  private static Verdict apiKey(AuthPolicy policy, String header) {
    if (header == null) {
      return Verdict.DENY;
    }
    boolean ok =
        MessageDigest.isEqual(
            header.getBytes(StandardCharsets.UTF_8),
            policy.data().get(0).getBytes(StandardCharsets.UTF_8));
    return ok ? Verdict.ALLOW : Verdict.DENY;
  }
}
