package io.aralez.dataplane.request;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.dataplane.admission.RequestAdmissionTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Host, absolute form, OPTIONS * and the parts routing reads, from the request line and Host. */
@Tag("catalogue-2.1")
class RequestTargetTest {
  static RequestTarget parse(String method, String host, String uri) {
    return RequestTarget.parse(RequestAdmissionTest.headOf(method, host, uri));
  }

  @Test
  void originFormKeepsTheClientsBytesAndSplitsTheQuery() {
    RequestTarget t = parse("GET", "Example.COM.:8080", "/a/./b/../c?x=1&y");
    assertThat(t.host()).isEqualTo("example.com");
    assertThat(t.hostHeader()).isEqualTo("Example.COM.:8080");
    assertThat(t.uri()).isEqualTo("/a/./b/../c?x=1&y");
    assertThat(t.rawPath()).isEqualTo("/a/./b/../c");
    assertThat(t.query()).isEqualTo("?x=1&y");
    assertThat(t.canonicalPath()).isEqualTo("/a/c");
    assertThat(t.backendPath()).isEqualTo("/a/c");
    RequestTarget plain = parse("GET", "h.test", "/p");
    assertThat(plain.query()).isEmpty();
    assertThat(plain.canonicalPath()).isEqualTo("/p");
  }

  @Test
  void absoluteFormReplacesTheHostAndBecomesOriginForm() {
    RequestTarget t = parse("GET", "a.test", "http://B.test:81/admin?q=1");
    assertThat(t.host()).isEqualTo("b.test");
    assertThat(t.hostHeader()).isEqualTo("B.test:81");
    assertThat(t.uri()).isEqualTo("/admin?q=1");
    RequestTarget bare = parse("GET", "a.test", "https://b.test");
    assertThat(bare.uri()).isEqualTo("/");
    assertThat(bare.host()).isEqualTo("b.test");
    RequestTarget query = parse("GET", "a.test", "http://b.test?x=1");
    assertThat(query.uri()).isEqualTo("/?x=1");
    assertThat(parse("GET", "a.test", "http://user@b.test/")).as("userinfo").isNull();
  }

  @Test
  void optionsStarIsTheOnlyAsteriskForm() {
    RequestTarget t = parse("OPTIONS", "a.test", "*");
    assertThat(t.canonicalPath()).isEqualTo("/");
    assertThat(t.backendPath()).isEqualTo("/");
    assertThat(t.uri()).isEqualTo("*");
    assertThat(parse("GET", "a.test", "*")).isNull();
  }

  @Test
  void malformedTargetsAndHostsAreRefused() {
    assertThat(parse("GET", "a.test", "admin")).isNull();
    assertThat(parse("GET", "a.test", "/a#frag")).isNull();
    assertThat(parse("GET", "a b", "/")).isNull();
    assertThat(parse("GET", "a.test:99999", "/")).isNull();
    assertThat(parse("GET", "a.test", "/%zz")).isNull();
  }
}
