package io.aralez.dataplane.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import io.aralez.dataplane.config.ProxyConfig.AuthPolicy;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mindrot.jbcrypt.BCrypt;

@Tag("catalogue-2.9")
class AuthenticatorTest {
  static HttpHeaders headers(String name, String value) {
    HttpHeaders h = new DefaultHttpHeaders();
    if (name != null) {
      h.set(name, value);
    }
    return h;
  }

  static String basic(String userPass) {
    return "Basic " + Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8));
  }

  static AuthDecision check(AuthPolicy p, HttpHeaders h) {
    return Authenticator.check(p, h::get, "/", "master-secret-key-123");
  }

  @Test
  void basicAcceptsAnyListedUser() {
    AuthPolicy p = new AuthPolicy(AuthPolicy.Type.BASIC, List.of("root:toor", "ann:secret"));
    assertThat(check(p, headers("Authorization", basic("ann:secret"))))
        .isInstanceOf(AuthDecision.Allow.class);
    assertThat(check(p, headers("Authorization", "basic " + basic("root:toor").substring(6))))
        .isInstanceOf(AuthDecision.Allow.class);
    assertThat(check(p, headers("Authorization", basic("ann:wrong"))))
        .isEqualTo(new AuthDecision.Deny(true));
    assertThat(check(p, headers("Authorization", basic("root:secret"))))
        .isInstanceOf(AuthDecision.Deny.class);
    assertThat(check(p, headers("Authorization", "Bearer " + basic("ann:secret").substring(6))))
        .isInstanceOf(AuthDecision.Deny.class);
    assertThat(check(p, headers("Authorization", "Basic !!!")))
        .isInstanceOf(AuthDecision.Deny.class);
    assertThat(check(p, headers(null, null))).isInstanceOf(AuthDecision.Deny.class);
  }

  @Test
  void bcryptHashesAreCheckedOffTheLoopAndRemembered() throws Exception {
    String hash = BCrypt.hashpw("s3cret", BCrypt.gensalt(4)).replaceFirst("^\\$2a\\$", "\\$2y\\$");
    AuthPolicy p = new AuthPolicy(AuthPolicy.Type.BASIC, List.of("bob:" + hash));
    AuthDecision first = check(p, headers("Authorization", basic("bob:s3cret")));
    assertThat(first).isInstanceOf(AuthDecision.Pending.class);
    assertThat(((AuthDecision.Pending) first).result().get(10, TimeUnit.SECONDS))
        .isInstanceOf(AuthDecision.Allow.class);
    assertThat(check(p, headers("Authorization", basic("bob:s3cret"))))
        .isInstanceOf(AuthDecision.Allow.class);
    AuthDecision wrong = check(p, headers("Authorization", basic("bob:nope")));
    assertThat(((AuthDecision.Pending) wrong).result().get(10, TimeUnit.SECONDS))
        .isInstanceOf(AuthDecision.Deny.class);
    assertThat(check(p, headers("Authorization", basic("eve:s3cret"))))
        .isInstanceOf(AuthDecision.Deny.class);
  }

  @Test
  void apiKey() {
    AuthPolicy p = new AuthPolicy(AuthPolicy.Type.APIKEY, List.of("k-123"));
    assertThat(check(p, headers("x-api-key", "k-123"))).isInstanceOf(AuthDecision.Allow.class);
    assertThat(check(p, headers("x-api-key", "k-12"))).isInstanceOf(AuthDecision.Deny.class);
    assertThat(check(p, headers(null, null))).isInstanceOf(AuthDecision.Deny.class);
  }

  static String token(Algorithm alg, long expiresInSeconds, Long notBeforeInSeconds) {
    var b = JWT.create().withClaim("owner", "t");
    if (expiresInSeconds != Long.MIN_VALUE) {
      b.withExpiresAt(new Date(System.currentTimeMillis() + expiresInSeconds * 1000));
    }
    if (notBeforeInSeconds != null) {
      b.withNotBefore(new Date(System.currentTimeMillis() + notBeforeInSeconds * 1000));
    }
    return b.sign(alg);
  }

  @Test
  void jwtAcceptsOnlyTheConfiguredSecretAndAlgorithm() {
    AuthPolicy p = new AuthPolicy(AuthPolicy.Type.JWT, List.of("route-secret"));
    Algorithm good = Algorithm.HMAC256("route-secret");
    assertThat(check(p, headers("Authorization", "Bearer " + token(good, 60, null))))
        .isInstanceOf(AuthDecision.Allow.class);
    assertThat(check(p, headers("Authorization", "Bearer " + token(good, -5, null))))
        .isInstanceOf(AuthDecision.Deny.class);
    assertThat(check(p, headers("Authorization", "Bearer " + token(good, Long.MIN_VALUE, null))))
        .as("exp is required")
        .isInstanceOf(AuthDecision.Deny.class);
    assertThat(check(p, headers("Authorization", "Bearer " + token(good, 60, 30L))))
        .as("nbf")
        .isInstanceOf(AuthDecision.Deny.class);
    assertThat(
            check(
                p,
                headers("Authorization", "Bearer " + token(Algorithm.HMAC256("other"), 60, null))))
        .isInstanceOf(AuthDecision.Deny.class);
    assertThat(
            check(
                p,
                headers(
                    "Authorization",
                    "Bearer " + token(Algorithm.HMAC512("route-secret"), 60, null))))
        .isInstanceOf(AuthDecision.Deny.class);
    assertThat(check(p, headers("Authorization", "Bearer " + token(Algorithm.none(), 60, null))))
        .isInstanceOf(AuthDecision.Deny.class);
    // No secret on the route: master_key signs.
    AuthPolicy master = new AuthPolicy(AuthPolicy.Type.JWT, List.of());
    assertThat(
            check(
                master,
                headers(
                    "Authorization", "Bearer " + JwtCheck.issue("master-secret-key-123", "x", 5))))
        .isInstanceOf(AuthDecision.Allow.class);
  }

  @Test
  void jwtFromTheQueryIsRemovedFromTheUpstreamUri() {
    AuthPolicy p = new AuthPolicy(AuthPolicy.Type.JWT, List.of("route-secret"));
    String t = token(Algorithm.HMAC256("route-secret"), 60, null);
    AuthDecision d =
        Authenticator.check(p, headers(null, null)::get, "/a?x=1&araleztoken=" + t + "&y=2", null);
    assertThat(d).isEqualTo(new AuthDecision.Allow("/a?x=1&y=2"));
    assertThat(Authenticator.check(p, headers(null, null)::get, "/a?araleztoken=" + t, null))
        .isEqualTo(new AuthDecision.Allow("/a"));
    assertThat(Authenticator.check(p, headers(null, null)::get, "/a?araleztoken=bad", null))
        .isInstanceOf(AuthDecision.Deny.class);
  }
}
