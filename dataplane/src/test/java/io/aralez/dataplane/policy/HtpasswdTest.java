package io.aralez.dataplane.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.dataplane.config.ProxyConfig.AuthPolicy;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * htpasswd's apr1, {SHA} and {PLAIN} formats, against vectors made by OpenSSL ({@code openssl
 * passwd -apr1 -salt Xy7.z/9q ...}, {@code openssl sha1 -binary | base64}).
 */
@Tag("catalogue-2.9")
class HtpasswdTest {
  static final Map<String, String> APR1 =
      Map.of(
          "secret", "$apr1$Xy7.z/9q$L5D3OEZy36F1C/5onznlG1",
          "", "$apr1$Xy7.z/9q$.TXPcsrOGSkCU4VvRSxHo/",
          "a-much-longer-password-than-sixteen-bytes", "$apr1$Xy7.z/9q$R8NTC7hZVqDDn2Uf5Airp1",
          "pässwörd", "$apr1$Xy7.z/9q$UJefwONvp7fDJUF8vS49i0");

  @Test
  void apr1MatchesOpenSsl() {
    APR1.forEach(
        (password, hash) -> {
          assertThat(Htpasswd.verify(hash, password)).as(password).isTrue();
          assertThat(Htpasswd.verify(hash, password + "x")).as(password).isFalse();
        });
    assertThat(Htpasswd.verify("$apr1$ab$jiiV6N7hIIuIoJbc1hxOE/", "secret")).isTrue();
    assertThat(Htpasswd.verify("$apr1$broken", "secret")).isFalse();
  }

  @Test
  void shaAndPlain() {
    assertThat(Htpasswd.verify("{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=", "secret")).isTrue();
    assertThat(Htpasswd.verify("{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=", "Secret")).isFalse();
    assertThat(Htpasswd.verify("{PLAIN}secret", "secret")).isTrue();
    assertThat(Htpasswd.verify("{PLAIN}secret", "secre")).isFalse();
  }

  @Test
  void basicAuthNeverTakesTheHashItselfAsThePassword() {
    AuthPolicy policy =
        new AuthPolicy(AuthPolicy.Type.BASIC, List.of("ann:$apr1$Xy7.z/9q$L5D3OEZy36F1C/5onznlG1"));
    assertThat(check(policy, "ann", "secret")).isEqualTo(AuthDecision.ALLOW);
    assertThat(check(policy, "ann", "$apr1$Xy7.z/9q$L5D3OEZy36F1C/5onznlG1"))
        .isNotEqualTo(AuthDecision.ALLOW);
    assertThat(check(policy, "bob", "secret")).isNotEqualTo(AuthDecision.ALLOW);
  }

  static AuthDecision check(AuthPolicy policy, String user, String password) {
    String header =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    return Authenticator.check(
        policy, name -> name.equalsIgnoreCase("authorization") ? header : null, "/", null);
  }
}
