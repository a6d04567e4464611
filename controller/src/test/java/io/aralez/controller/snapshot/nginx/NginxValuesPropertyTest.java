package io.aralez.controller.snapshot.nginx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Tag;

/** nginx sizes the way nginx reads them: binary units, either case; anything else refused. */
@Tag("catalogue-2.14")
class NginxValuesPropertyTest {
  @Property
  void unitsAreBinaryAndCaseInsensitive(@ForAll @IntRange(min = 0, max = 1_000_000) int n) {
    assertThat(NginxValues.size(String.valueOf(n))).isEqualTo(n);
    assertThat(NginxValues.size(n + "k")).isEqualTo(n * 1024L);
    assertThat(NginxValues.size(n + "K")).isEqualTo(n * 1024L);
    assertThat(NginxValues.size(n + "m")).isEqualTo((long) n << 20);
    assertThat(NginxValues.size(n + "G")).isEqualTo((long) n << 30);
  }

  @Property
  void aSizeWithAnyOtherSuffixIsRefused(
      @ForAll @IntRange(min = 0, max = 1000) int n,
      @ForAll @StringLength(min = 1, max = 3) String suffix) {
    // A suffix that still makes a size ("0", "5k", a trailing space) is not another suffix.
    if ((n + suffix).replaceAll("[ \\t]+$", "").matches("\\d{1,12}[bkmgBKMG]?")) {
      return;
    }
    assertThatThrownBy(() -> NginxValues.size(n + suffix))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
