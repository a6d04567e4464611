package io.aralez.controller.snapshot;

import static io.aralez.controller.snapshot.Objects.secret;
import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.api.v1.Auth;
import io.aralez.api.v1.Policy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PoliciesTest {
  private final Policies policies =
      new Policies(
          new Lookups(
              List.of(),
              List.of(),
              List.of(
                  secret(
                      "ns",
                      "users",
                      "Opaque",
                      Map.of("auth", "alice:$2y$hash\nnot a line\n\nbob:$2y$x")),
                  secret(
                      "ns",
                      "htpasswd",
                      "Opaque",
                      Map.of(
                          "auth",
                          "a:$apr1$Xy7.z/9q$L5D3OEZy36F1C/5onznlG1\nb:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=\n"
                              + "c:abJnggxhB/yWI\nd:$6$salt$x\ne:plaintext\n")),
                  secret("ns", "keys", "Opaque", Map.of("api-keys", "k1\nk2\n")),
                  secret("ns", "jwt", "Opaque", Map.of("jwt-secret", "  s3cret \n")),
                  secret("ns", "empty", "Opaque", Map.of("other", "x")))));

  private Policy auth(ObjectReport report, String type, String secret) {
    return policies.policy(
        report,
        "ns",
        new PolicySpec(
            5L, null, type, secret, null, null, null, 60L, true, null, null, null, null, null, null,
            null, null, null));
  }

  private static ObjectReport report() {
    return new ObjectReport(new Objects.Ing("ns", "i", "t").build());
  }

  @Test
  void credentialsComeFromTheReferencedSecret() {
    ObjectReport r = report();
    Policy basic = auth(r, "BASIC", "users");
    assertThat(basic.getAuth().getType()).isEqualTo(Auth.Type.BASIC);
    assertThat(basic.getAuth().getCredentialsList()).containsExactly("alice:$2y$hash", "bob:$2y$x");
    assertThat(r.warnings).singleElement().asString().contains("not user:hash");
    assertThat(basic.getRateLimitRps()).isEqualTo(5);
    assertThat(basic.getSticky().getMaxAgeSeconds()).isEqualTo(60);
    assertThat(auth(report(), "APIKEY", "keys").getAuth().getCredentialsList())
        .containsExactly("k1", "k2");
    assertThat(auth(report(), "JWT", "jwt").getAuth().getCredentialsList())
        .containsExactly("s3cret");
  }

  @Test
  void onlyHashFormatsTheDataPlaneChecksAreSent() {
    ObjectReport r = report();
    Policy basic = auth(r, "BASIC", "htpasswd");
    assertThat(basic.getAuth().getCredentialsList())
        .containsExactly(
            "a:$apr1$Xy7.z/9q$L5D3OEZy36F1C/5onznlG1", "b:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=");
    // crypt(3), SHA-512 crypt and a bare string would otherwise work as plain passwords.
    assertThat(r.warnings).hasSize(3).allMatch(w -> w.contains("cannot check"));
  }

  @Test
  void anUnreadableSecretFailsClosed() {
    for (String[] row : new String[][] {{"BASIC", "missing"}, {"APIKEY", "empty"}}) {
      ObjectReport r = report();
      Policy p = auth(r, row[0], row[1]);
      assertThat(p.getAuth().getCredentialsList()).as(row[1]).containsExactly("");
      assertThat(r.resolvedRefs).isFalse();
      assertThat(r.warnings).singleElement().asString().contains("refuses every request");
    }
  }
}
