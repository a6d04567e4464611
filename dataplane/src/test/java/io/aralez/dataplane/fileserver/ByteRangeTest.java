package io.aralez.dataplane.fileserver;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("catalogue-2.11")
class ByteRangeTest {
  @Test
  void singleRanges() {
    assertThat(ByteRange.parse("bytes=0-4", 10)).isEqualTo(new ByteRange(0, 4));
    assertThat(ByteRange.parse("bytes=5-", 10)).isEqualTo(new ByteRange(5, 9));
    assertThat(ByteRange.parse("bytes=-3", 10)).isEqualTo(new ByteRange(7, 9));
    assertThat(ByteRange.parse("bytes=-30", 10)).isEqualTo(new ByteRange(0, 9));
    assertThat(ByteRange.parse("bytes=8-100", 10)).isEqualTo(new ByteRange(8, 9));
  }

  @Test
  void unusableOrUnsatisfiable() {
    assertThat(ByteRange.parse(null, 10)).isNull();
    assertThat(ByteRange.parse("items=0-1", 10)).isNull();
    assertThat(ByteRange.parse("bytes=0-1,2-3", 10)).isNull();
    assertThat(ByteRange.parse("bytes=5-2", 10)).isNull();
    assertThat(ByteRange.parse("bytes=x-", 10)).isNull();
    assertThat(ByteRange.parse("bytes=10-", 10)).isSameAs(ByteRange.UNSATISFIABLE);
    assertThat(ByteRange.parse("bytes=-0", 10)).isSameAs(ByteRange.UNSATISFIABLE);
    assertThat(ByteRange.parse("bytes=99999999999999999999-", 10)).isNull();
  }
}
