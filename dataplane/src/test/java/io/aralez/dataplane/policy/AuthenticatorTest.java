package io.aralez.dataplane.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.dataplane.config.ProxyConfig.AuthPolicy;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

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

  @Test
  void basicAcceptsAnyListedUser() {
    AuthPolicy p = new AuthPolicy(AuthPolicy.Type.BASIC, List.of("root:toor", "ann:secret"));
    assertThat(Authenticator.check(p, headers("Authorization", basic("ann:secret"))))
        .isEqualTo(Authenticator.Verdict.ALLOW);
    assertThat(
            Authenticator.check(
                p, headers("Authorization", "basic " + basic("root:toor").substring(6))))
        .isEqualTo(Authenticator.Verdict.ALLOW);
    assertThat(Authenticator.check(p, headers("Authorization", basic("ann:wrong"))))
        .isEqualTo(Authenticator.Verdict.DENY);
    assertThat(
            Authenticator.check(
                p, headers("Authorization", "Bearer " + basic("ann:secret").substring(6))))
        .isEqualTo(Authenticator.Verdict.DENY);
    assertThat(Authenticator.check(p, headers("Authorization", "Basic !!!")))
        .isEqualTo(Authenticator.Verdict.DENY);
    assertThat(Authenticator.check(p, headers(null, null))).isEqualTo(Authenticator.Verdict.DENY);
  }

  @Test
  void apiKey() {
    AuthPolicy p = new AuthPolicy(AuthPolicy.Type.APIKEY, List.of("k-123"));
    assertThat(Authenticator.check(p, headers("x-api-key", "k-123")))
        .isEqualTo(Authenticator.Verdict.ALLOW);
    assertThat(Authenticator.check(p, headers("x-api-key", "k-12")))
        .isEqualTo(Authenticator.Verdict.DENY);
    assertThat(Authenticator.check(p, headers(null, null))).isEqualTo(Authenticator.Verdict.DENY);
  }

  @Test
  void noneAllowsAndUnimplementedFailsClosed() {
    assertThat(Authenticator.check(AuthPolicy.NONE, headers(null, null)))
        .isEqualTo(Authenticator.Verdict.ALLOW);
    assertThat(
            Authenticator.check(
                new AuthPolicy(AuthPolicy.Type.JWT, List.of()), headers(null, null)))
        .isEqualTo(Authenticator.Verdict.UNSUPPORTED);
  }
}
