package io.aralez.dataplane.policy;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Tag;

/** apr1 hashes verify their own password and no other. */
@Tag("catalogue-2.9")
class HtpasswdPropertyTest {
  @Property(tries = 200)
  void aHashVerifiesItsPasswordOnly(
      @ForAll @StringLength(max = 40) String password,
      @ForAll @AlphaChars @StringLength(min = 1, max = 8) String salt) {
    String hash = Htpasswd.apr1(password, salt);
    assertThat(Htpasswd.verify(hash, password)).isTrue();
    assertThat(Htpasswd.verify(hash, password + "x")).isFalse();
    assertThat(Htpasswd.verify(hash, hash)).as("the hash is not a password").isFalse();
  }
}
