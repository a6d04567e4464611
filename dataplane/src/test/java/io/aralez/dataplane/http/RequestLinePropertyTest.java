package io.aralez.dataplane.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Tag;

/** Properties of the strict request-line check, over generated valid and broken lines. */
@Tag("catalogue-2.1")
class RequestLinePropertyTest {
  @Provide
  Arbitrary<String> methods() {
    return Arbitraries.strings().withCharRange('A', 'Z').ofMinLength(1).ofMaxLength(12);
  }

  @Provide
  Arbitrary<String> targets() {
    return Arbitraries.strings()
        .withChars("abcXYZ019-._~!$&'()*+,;=:@%/?")
        .ofMinLength(0)
        .ofMaxLength(60)
        .map(t -> "/" + t);
  }

  static int check(String line) {
    return RequestLine.check(
        Unpooled.wrappedBuffer(line.getBytes(StandardCharsets.ISO_8859_1)), 8192);
  }

  @Property
  void aWellFormedLineIsAcceptedWhole(
      @ForAll("methods") String method, @ForAll("targets") String target) {
    String line = method + " " + target + " HTTP/1.1\r\n";
    assertThat(check(line)).isEqualTo(line.length());
  }

  @Property
  void aControlCharacterOrSpaceInTheTargetIsRefused(
      @ForAll("methods") String method,
      @ForAll("targets") String target,
      @ForAll @IntRange(min = 0, max = 0x20) int bad,
      @ForAll @IntRange(min = 0, max = 60) int at) {
    int pos = Math.min(at, target.length());
    String broken = target.substring(0, pos) + (char) bad + target.substring(pos);
    if (bad == '\n' || bad == '\r') {
      // A line end inside the target ends the line early: never a valid whole line.
      assertThat(check(method + " " + broken + " HTTP/1.1\r\n"))
          .isNotEqualTo(broken.length() + method.length() + 12);
      return;
    }
    assertThat(check(method + " " + broken + " HTTP/1.1\r\n")).isEqualTo(RequestLine.INVALID);
  }

  @Property
  void anyOtherVersionIsRefused(
      @ForAll("methods") String method,
      @ForAll("targets") String target,
      @ForAll("versions") String version) {
    assertThat(check(method + " " + target + " " + version + "\r\n"))
        .isEqualTo(RequestLine.INVALID);
  }

  @Provide
  Arbitrary<String> versions() {
    return Arbitraries.strings()
        .withChars("HTPhtp/0123.")
        .ofMinLength(1)
        .ofMaxLength(10)
        .filter(v -> !v.equals("HTTP/1.1") && !v.equals("HTTP/1.0"));
  }
}
