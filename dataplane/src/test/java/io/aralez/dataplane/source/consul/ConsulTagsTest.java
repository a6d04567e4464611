package io.aralez.dataplane.source.consul;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.dataplane.config.ProxyConfig.Header;
import io.aralez.dataplane.source.discovery.ServiceSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConsulTagsTest {
  private final List<String> warnings = new ArrayList<>();

  private Optional<ServiceSpec> parse(String... tags) {
    return ConsulTags.parse("web", List.of(tags), warnings);
  }

  @Test
  void everyTagOfTheOriginal() {
    ServiceSpec s =
        parse(
                "aralez.service=yes",
                "aralez.host=Shop.Example.com",
                "aralez.path=/api/",
                "aralez.rate=50",
                "aralez.4xx_rate=5",
                "aralez.to_https=true",
                "aralez.redirect=https://new.example.com/",
                "aralez.client_header=X-A:1",
                "aralez.client_header=X-B: 2",
                "aralez.server_header=X-Up:yes",
                "v2",
                "aralez.mystery=1")
            .orElseThrow();
    assertThat(s.host()).isEqualTo("shop.example.com");
    assertThat(s.path()).isEqualTo("/api");
    assertThat(s.service()).isEqualTo("web");
    assertThat(s.rateLimit()).isEqualTo(50);
    assertThat(s.x4xxLimit()).isEqualTo(5);
    assertThat(s.toHttps()).isTrue();
    assertThat(s.redirectTo()).isEqualTo("https://new.example.com");
    assertThat(s.clientHeaders()).containsExactly(new Header("X-A", "1"), new Header("X-B", "2"));
    assertThat(s.serverHeaders()).containsExactly(new Header("X-Up", "yes"));
    assertThat(warnings).singleElement().asString().contains("unknown tag aralez.mystery");
  }

  @Test
  void withoutTheOptInTagNothingIsRouted() {
    assertThat(parse("aralez.host=a.test")).isEmpty();
    assertThat(warnings).isEmpty();
  }

  @Test
  void aBadValueLeavesTheServiceOutAndSaysWhy() {
    for (String[] tags :
        new String[][] {
          {"aralez.service=yes"},
          {"aralez.service=yes", "aralez.host=not a host"},
          {"aralez.service=yes", "aralez.host=a.test", "aralez.path=nope"},
          {"aralez.service=yes", "aralez.host=a.test", "aralez.rate=-1"},
          {"aralez.service=yes", "aralez.host=a.test", "aralez.to_https=maybe"},
          {"aralez.service=yes", "aralez.host=a.test", "aralez.redirect=/x"},
          {"aralez.service=yes", "aralez.host=a.test", "aralez.client_header=NoColon"},
          {"aralez.service=yes", "aralez.host=a.test", "aralez.server_header=Content-Length:1"},
          {"aralez.service=yes", "aralez.host=a.test", "aralez.client_header=X:a\u0000b"},
        }) {
      warnings.clear();
      assertThat(parse(tags)).as(String.join(",", tags)).isEmpty();
      assertThat(warnings)
          .as(String.join(",", tags))
          .singleElement()
          .asString()
          .contains("left out");
    }
  }
}
