package io.aralez.dataplane.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The strict grammar a header line must pass before the proxy forwards it as the peer's own bytes
 * (the reliability catalogue's H1-13 to H1-15 rows, at the level of the scanner).
 */
@Tag("catalogue-2.1")
class HeadLinesTest {
  private static HeadLines scan(String headerLines) {
    return scan(headerLines, 8192);
  }

  private static HeadLines scan(String headerLines, int limit) {
    ByteBuf buf = Unpooled.wrappedBuffer(headerLines.getBytes(StandardCharsets.ISO_8859_1));
    return new HeadLines.Scanner().scan(buf, 0, limit);
  }

  /**
   * Lookups compare a hash of the name first: whatever its length, case and kind of string, a name
   * present is found and one absent is not (the bytes are compared where the hashes match).
   */
  @Test
  void aNameIsFoundByAnyCaseAndAnyKindOfStringAtEveryLength() {
    java.util.Random random = new java.util.Random(16);
    String chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_!#$%&'*+.^`|~";
    for (int len = 1; len <= 40; len++) {
      StringBuilder name = new StringBuilder();
      for (int k = 0; k < len; k++) {
        name.append(chars.charAt(random.nextInt(chars.length())));
      }
      String present = name.toString();
      String absent = present.substring(0, len - 1) + (present.endsWith("z") ? "y" : "z");
      HeadLines lines = scan("X-First: 1\r\n" + present + ": v\r\nX-Last: 2\r\n\r\n");
      for (CharSequence asked :
          List.of(
              present,
              present.toUpperCase(java.util.Locale.ROOT),
              present.toLowerCase(java.util.Locale.ROOT),
              new io.netty.util.AsciiString(present.toUpperCase(java.util.Locale.ROOT)),
              new StringBuilder(present))) {
        assertThat(lines.indexOf(asked, 0)).as("%s as %s", present, asked).isEqualTo(1);
        assertThat(lines.nameIs(1, asked)).isTrue();
      }
      if (!absent.equalsIgnoreCase(present)) {
        assertThat(lines.indexOf(absent, 0)).as(absent).isEqualTo(-1);
        assertThat(lines.nameIs(1, new io.netty.util.AsciiString(absent))).isFalse();
      }
    }
  }

  @Test
  void keepsEveryLineWithItsNameAndValue() {
    HeadLines lines =
        scan("Host: a.example\r\nAccept:text/html\r\nX-Empty:\r\nX-Pad: \t v \t\r\n\r\nBODY");
    assertThat(lines).isNotNull();
    assertThat(lines.count()).isEqualTo(4);
    assertThat(lines.name(0)).isEqualTo("Host");
    assertThat(lines.value(0)).isEqualTo("a.example");
    assertThat(lines.value(1)).isEqualTo("text/html");
    assertThat(lines.value(2)).isEmpty();
    assertThat(lines.value(3)).isEqualTo("v");
    assertThat(lines.end(3))
        .isEqualTo(
            "Host: a.example\r\nAccept:text/html\r\nX-Empty:\r\nX-Pad: \t v \t\r\n".length());
    assertThat(lines.nameIs(1, "accept")).isTrue();
    assertThat(lines.nameIs(1, "ACCEPT")).isTrue();
    assertThat(lines.nameIs(1, "accepT2")).isFalse();
    assertThat(lines.nameIs(0, "hosT")).isTrue();
  }

  @Test
  void aValueOfOnlyWhitespaceIsEmpty() {
    // "X: " once gave a value ending one byte before it started: reading it threw.
    HeadLines lines = scan("X-Blank: \r\nX-Tabs:\t \t\r\nX-Next: v\r\n\r\n");
    assertThat(lines).isNotNull();
    assertThat(lines.value(0)).isEmpty();
    assertThat(lines.value(1)).isEmpty();
    assertThat(lines.valueEnd(0)).isEqualTo(lines.valueStart(0));
    assertThat(lines.valueHasToken(0, "", true)).isTrue();
    assertThat(lines.valueHasToken(0, "v", true)).isFalse();
    assertThat(lines.value(2)).isEqualTo("v");
  }

  @Test
  void anEmptyHeadHasNoLines() {
    HeadLines lines = scan("\r\n");
    assertThat(lines).isNotNull();
    assertThat(lines.count()).isZero();
  }

  @Test
  void obsTextInAValueIsKeptAsItsBytes() {
    HeadLines lines = scan("X-Name: J\u00fcrgen \u00e9\u00ff\r\n\r\n");
    assertThat(lines).isNotNull();
    assertThat(lines.value(0)).isEqualTo("J\u00fcrgen \u00e9\u00ff");
  }

  @Test
  void nameComparisonFoldsOnlyLetters() {
    // '@' | 0x20 == '`': only letters may differ in case.
    HeadLines lines = scan("X-a`: 1\r\n\r\n");
    assertThat(lines.nameIs(0, "x-A`")).isTrue();
    assertThat(lines.nameIs(0, "x-a@")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "X: a\r\n b\r\n\r\n", // obs-fold (H1-14)
        "X: a\r\n\tb\r\n\r\n", // obs-fold with a tab
        " X: a\r\n\r\n", // leading space on the first line
        "X: a\nY: b\r\n\r\n", // bare LF line end (H1-13)
        "X: a\r\n\n", // bare LF as the empty line
        "X: a\r\nZ\n\r\n", // a one-character line with a bare LF
        "X: a\r\n\n\r\n", // a bare LF line, then the empty line
        "X:\n\r\n", // a bare LF right after the colon
        "X: a\rb\r\n\r\n", // bare CR in a value
        "X: a\u0000b\r\n\r\n", // NUL in a value (H1-15)
        "X: a\u0001\r\n\r\n", // other control
        "X: a\u007f\r\n\r\n", // DEL
        "Content-Length : 1\r\n\r\n", // space before the colon (H1-15)
        ": empty\r\n\r\n", // empty name
        "Test\r\n\r\n", // no colon
        "X@Y: 1\r\n\r\n", // separator in the name
        "X(Y): 1\r\n\r\n",
        "N\u00e4me: 1\r\n\r\n", // obs-text in a name
        "X\tY: 1\r\n\r\n",
        "X: a\r\n\rZ", // head ending in \r\n\rZ (H1-13)
      })
  void aLineTwoParsersCouldReadDifferentlyIsNeverKept(String head) {
    assertThat(scan(head)).isNull();
  }

  @Test
  void anIncompleteHeadIsNotKept() {
    assertThat(scan("Host: a\r\nAccept: x")).isNull();
    assertThat(scan("Host: a\r\n")).isNull();
    assertThat(scan("Host: a\r\n\r")).isNull();
  }

  @Test
  void aHeadOverTheLimitIsNotKept() {
    String head = "X-A: " + "v".repeat(100) + "\r\n\r\n";
    assertThat(scan(head, head.length() - 2)).isNotNull();
    assertThat(scan(head, head.length() - 10)).isNull();
  }

  @Test
  void moreThanAHundredLinesAreNotKept() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < HeadLines.MAX_LINES; i++) {
      b.append("X-").append(i).append(": v\r\n");
    }
    assertThat(scan(b + "\r\n")).isNotNull();
    assertThat(scan(b + "X-last: v\r\n\r\n")).isNull();
  }

  @Test
  void theScannerReusesItsScratchAcrossHeads() {
    HeadLines.Scanner scanner = new HeadLines.Scanner();
    StringBuilder big = new StringBuilder();
    for (int i = 0; i < 60; i++) {
      big.append("X-").append(i).append(": v").append(i).append("\r\n");
    }
    HeadLines first =
        scanner.scan(
            Unpooled.wrappedBuffer((big + "\r\n").getBytes(StandardCharsets.US_ASCII)), 0, 8192);
    HeadLines second =
        scanner.scan(
            Unpooled.wrappedBuffer("A: 1\r\nB: 2\r\n\r\n".getBytes(StandardCharsets.US_ASCII)),
            0,
            8192);
    assertThat(first.count()).isEqualTo(60);
    assertThat(first.value(59)).isEqualTo("v59");
    assertThat(second.count()).isEqualTo(2);
    assertThat(second.value(1)).isEqualTo("2");
  }
}
