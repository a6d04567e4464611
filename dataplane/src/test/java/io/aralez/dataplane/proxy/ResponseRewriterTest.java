package io.aralez.dataplane.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.dataplane.config.RouteRules;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

/** proxy-redirect-* and proxy-cookie-* on an upstream answer's headers. */
class ResponseRewriterTest {
  static final RouteRules.ResponseRewrite RW =
      new RouteRules.ResponseRewrite(
          "http://app.internal:8080/",
          "https://shop.example.com/",
          "app.internal",
          ".example.com",
          "/app",
          "/shop");

  @Test
  void locationRefreshAndCookiesAreRewritten() {
    HttpHeaders h = new DefaultHttpHeaders();
    h.set("location", "http://app.internal:8080/login?next=/a");
    h.set("refresh", "5; url=http://app.internal:8080/done");
    h.add("set-cookie", "sid=1; Path=/app/x; Domain=APP.internal; HttpOnly");
    h.add("set-cookie", "other=2; Path=/else; Domain=elsewhere.test");
    ResponseRewriter.apply(h, RW);
    assertThat(h.get("location")).isEqualTo("https://shop.example.com/login?next=/a");
    assertThat(h.get("refresh")).isEqualTo("5; url=https://shop.example.com/done");
    assertThat(h.getAll("set-cookie"))
        .containsExactly(
            "sid=1; Path=/shop/x; Domain=.example.com; HttpOnly",
            "other=2; Path=/else; Domain=elsewhere.test");
  }

  @Test
  void otherLocationsAreLeftAlone() {
    HttpHeaders h = new DefaultHttpHeaders();
    h.set("location", "https://elsewhere.test/");
    ResponseRewriter.apply(h, RW);
    assertThat(h.get("location")).isEqualTo("https://elsewhere.test/");
  }
}
