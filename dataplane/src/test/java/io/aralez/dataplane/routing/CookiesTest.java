package io.aralez.dataplane.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CookiesTest {
  @Test
  void pairsAcrossHeadersFirstOfANameWinsAndJunkIsSkipped() {
    assertThat(Cookies.of(List.of(" a = 1 ; b=2;=x;junk", "a=3; c=")))
        .containsOnly(
            java.util.Map.entry("a", "1"),
            java.util.Map.entry("b", "2"),
            java.util.Map.entry("c", ""));
    assertThat(Cookies.of(List.of())).isEmpty();
  }

  @Test
  void atMostSixtyFourAreRead() {
    List<String> pairs = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      pairs.add("k" + i + "=" + i);
    }
    var read = Cookies.of(List.of(String.join("; ", pairs)));
    assertThat(read).hasSize(64).containsKey("k63").doesNotContainKey("k64");
  }
}
