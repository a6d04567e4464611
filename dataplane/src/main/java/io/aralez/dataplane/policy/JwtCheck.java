package io.aralez.dataplane.policy;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HS256 token verification. Only the configured algorithm is accepted ({@code alg: none} and any
 * other algorithm fail), {@code exp} is required and checked, {@code nbf} honoured, no leeway. The
 * original's custom claims ({@code master_key}, {@code owner}) are not required.
 */
public final class JwtCheck {
  /** Verifiers are built once per secret; a config has few. */
  private static final Map<String, JWTVerifier> VERIFIERS = new ConcurrentHashMap<>();

  private JwtCheck() {}

  public static boolean valid(String token, String secret) {
    if (token == null || token.isEmpty() || secret == null || secret.isEmpty()) {
      return false;
    }
    JWTVerifier verifier =
        VERIFIERS.computeIfAbsent(
            secret,
            s ->
                JWT.require(Algorithm.HMAC256(s.getBytes(StandardCharsets.UTF_8)))
                    .withClaimPresence("exp")
                    .acceptLeeway(0)
                    .build());
    try {
      verifier.verify(token);
      return true;
    } catch (JWTVerificationException | IllegalArgumentException e) {
      return false;
    }
  }

  /** A token for {@code owner}, valid for {@code minutes}, signed with {@code secret}. */
  public static String issue(String secret, String owner, long minutes) {
    long now = System.currentTimeMillis();
    return JWT.create()
        .withClaim("owner", owner)
        .withIssuedAt(new java.util.Date(now))
        .withExpiresAt(new java.util.Date(now + minutes * 60_000))
        .sign(Algorithm.HMAC256(secret.getBytes(StandardCharsets.UTF_8)));
  }
}
