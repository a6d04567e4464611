package io.aralez.dataplane.request;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Tag;

/**
 * Properties of path canonicalisation over paths made of the pieces attacks are made of (dot
 * segments, encoded dots and slashes, parameters, doubled slashes).
 */
@Tag("catalogue-2.3")
class PathsPropertyTest {
  @Provide
  Arbitrary<String> paths() {
    Arbitrary<String> piece =
        Arbitraries.of(
            "a", "B", "..", ".", "%2e", "%2E%2e", "%2f", "%5c", "%41", ";x", "", "%25", "~", "-");
    return piece.list().ofMinSize(0).ofMaxSize(8).map(list -> "/" + String.join("/", list));
  }

  @Property
  void theCanonicalFormIsStableAndHasNoDotSegmentsOrEmptySegments(@ForAll("paths") String raw) {
    String c = Paths.canonical(raw);
    if (c == null) {
      return;
    }
    assertThat(c).startsWith("/");
    assertThat(c).doesNotContain("//").doesNotContain("/./").doesNotContain("/../");
    assertThat(c).doesNotEndWith("/..").doesNotEndWith("/.");
    assertThat(Paths.canonical(c)).as("idempotent").isEqualTo(c);
  }

  @Property
  void theBackendsReadingIsCanonicalWhenNothingIsEncoded(@ForAll("paths") String raw) {
    String c = Paths.canonical(raw);
    if (c == null || raw.contains("%") || raw.contains(";")) {
      return;
    }
    assertThat(Paths.backendReading(raw, c)).isEqualTo(c);
  }
}
