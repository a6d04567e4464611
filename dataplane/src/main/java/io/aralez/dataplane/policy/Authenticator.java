package io.aralez.dataplane.policy;

import io.aralez.dataplane.config.ProxyConfig.AuthPolicy;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * Decides whether a request may use a route. Pure apart from the bcrypt pool: headers and target
 * in, decision out. Secrets are compared in constant time so timing does not leak how much of a
 * guess was right.
 */
public final class Authenticator {
  /** The query parameter the original accepts a JWT in. */
  public static final String TOKEN_PARAM = "araleztoken";

  /** The WWW-Authenticate value that makes browsers ask for Basic credentials. */
  public static final String BASIC_CHALLENGE = "Basic realm=\"aralez\"";

  private Authenticator() {}

  /**
   * @param header the request's first value of a header name (lower case), or null
   * @param uri the request target (origin form)
   * @param masterKey the JWT secret when the policy names none
   */
  public static AuthDecision check(
      AuthPolicy policy, UnaryOperator<String> header, String uri, String masterKey) {
    return switch (policy.type()) {
      case NONE -> AuthDecision.ALLOW;
      case BASIC -> basic(policy, header.apply("authorization"));
      case APIKEY -> apiKey(policy, header.apply("x-api-key"));
      case JWT -> jwt(policy, header.apply("authorization"), uri, masterKey);
      case FORWARD -> new AuthDecision.Forward(policy.data().get(0));
    };
  }

  private static AuthDecision basic(AuthPolicy policy, String header) {
    AuthDecision deny = new AuthDecision.Deny(true);
    if (header == null || header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return deny;
    }
    String given;
    try {
      given =
          new String(
              Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return deny;
    }
    int colon = given.indexOf(':');
    if (colon < 0) {
      return deny;
    }
    String user = given.substring(0, colon);
    String password = given.substring(colon + 1);
    boolean ok = false;
    String hash = null;
    for (String credential : policy.data()) {
      int c = credential.indexOf(':');
      String secret = credential.substring(c + 1);
      boolean userMatches = equal(user, credential.substring(0, c));
      if (BcryptCache.isHash(secret)) {
        if (userMatches) {
          hash = secret;
        }
      } else if (Htpasswd.isHash(secret)) {
        // htpasswd's other formats (apr1 by default): never compared as a plain password.
        ok |= userMatches && Htpasswd.verify(secret, password);
      } else {
        // Every entry is compared, so timing does not reveal which user matched.
        ok |= userMatches & equal(password, secret);
      }
    }
    if (ok) {
      return AuthDecision.ALLOW;
    }
    if (hash == null) {
      return deny;
    }
    Boolean known = BcryptCache.known(hash, password);
    if (known != null) {
      return known ? AuthDecision.ALLOW : deny;
    }
    CompletableFuture<AuthDecision> result =
        BcryptCache.verify(hash, password).thenApply(v -> v ? AuthDecision.ALLOW : deny);
    return new AuthDecision.Pending(result, null);
  }

  private static AuthDecision apiKey(AuthPolicy policy, String header) {
    if (header == null) {
      return AuthDecision.DENY;
    }
    // Every key is compared, so timing does not reveal which one came close.
    boolean ok = false;
    for (String key : policy.data()) {
      ok |= !key.isEmpty() & equal(header, key);
    }
    return ok ? AuthDecision.ALLOW : AuthDecision.DENY;
  }

  private static AuthDecision jwt(
      AuthPolicy policy, String authorization, String uri, String masterKey) {
    String secret =
        policy.data().isEmpty() || policy.data().get(0).isEmpty()
            ? masterKey
            : policy.data().get(0);
    String token = null;
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      token = authorization.substring(7).trim();
    }
    String queryToken = queryParam(uri, TOKEN_PARAM);
    if (token == null) {
      token = queryToken;
    }
    if (!JwtCheck.valid(token, secret)) {
      return AuthDecision.DENY;
    }
    // The token never travels further than the proxy.
    return new AuthDecision.Allow(queryToken == null ? null : withoutParam(uri, TOKEN_PARAM));
  }

  static boolean equal(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  /** The decoded value of the last {@code name} parameter in the query of {@code uri}, or null. */
  public static String queryParam(String uri, String name) {
    int q = uri.indexOf('?');
    if (q < 0) {
      return null;
    }
    String value = null;
    for (String pair : uri.substring(q + 1).split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      if (decode(key).equals(name)) {
        value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      }
    }
    return value;
  }

  /** {@code uri} without any {@code name} query parameter. */
  public static String withoutParam(String uri, String name) {
    int q = uri.indexOf('?');
    if (q < 0) {
      return uri;
    }
    StringBuilder kept = new StringBuilder();
    for (String pair : uri.substring(q + 1).split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      if (!decode(key).equals(name)) {
        kept.append(kept.length() == 0 ? "" : "&").append(pair);
      }
    }
    return kept.length() == 0 ? uri.substring(0, q) : uri.substring(0, q + 1) + kept;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }
}
