package io.aralez.dataplane.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.dataplane.admission.RequestAdmissionTest;
import io.aralez.dataplane.config.RouteRules;
import io.aralez.dataplane.request.RequestTarget;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The sign-in redirect ingress-nginx builds on a 401 (its e2e case, byte for byte). */
@Tag("catalogue-2.9")
class ExternalAuthAnswerTest {
  @Test
  void theOriginalUrlIsEscapedAfterTheHost() {
    RequestTarget t = RequestTarget.parse(RequestAdmissionTest.headOf("GET", "H", "/?a=b&c=d"));
    var rules =
        new RouteRules.ExternalAuth(
            "http://$host/auth/start", "rd", List.of(), null, null, false, List.of());
    assertThat(ExternalAuthAnswer.signin(rules, t, false))
        .isEqualTo("http://H/auth/start?rd=http://H%2F%3Fa%3Db%26c%3Dd");
    var withQuery =
        new RouteRules.ExternalAuth(
            "https://sso.test/login?app=1", "next", List.of(), null, null, false, List.of());
    assertThat(ExternalAuthAnswer.signin(withQuery, t, true))
        .isEqualTo("https://sso.test/login?app=1&next=https://H%2F%3Fa%3Db%26c%3Dd");
  }
}
