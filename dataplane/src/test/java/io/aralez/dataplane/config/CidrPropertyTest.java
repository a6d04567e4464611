package io.aralez.dataplane.config;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Tag;

/** A CIDR block contains its own addresses and not the ones past its prefix. */
@Tag("catalogue-2.4")
class CidrPropertyTest {
  @Property
  void aBlockContainsTheAddressItWasWrittenWith(
      @ForAll @IntRange(min = 0, max = 255) int a,
      @ForAll @IntRange(min = 0, max = 255) int b,
      @ForAll @IntRange(min = 0, max = 255) int c,
      @ForAll @IntRange(min = 0, max = 255) int d,
      @ForAll @IntRange(min = 0, max = 32) int bits) {
    String ip = a + "." + b + "." + c + "." + d;
    Cidr block = Cidr.parse(ip + "/" + bits);
    assertThat(block.contains(Cidr.address(ip))).isTrue();
    if (bits > 0) {
      // Flipping the first bit puts the address outside any block with a prefix.
      String other = (a ^ 0x80) + "." + b + "." + c + "." + d;
      assertThat(block.contains(Cidr.address(other))).isFalse();
    }
  }
}
