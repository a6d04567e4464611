package io.aralez.dataplane.http;

import io.netty.buffer.ByteBuf;

/**
 * The strict request-line grammar of RFC 9112 §3: {@code method SP request-target SP HTTP-version
 * CRLF}, one space each, the version exactly {@code HTTP/1.1} or {@code HTTP/1.0}. Netty's decoder
 * is lenient (any run of spaces or tabs, a lower-case or unknown version); a proxy must not forward
 * what another parser could split differently, so such a line is refused before Netty reads it.
 */
final class RequestLine {
  /** The line is not complete in the buffer yet. */
  static final int INCOMPLETE = -1;

  /** The line breaks the grammar. */
  static final int INVALID = -2;

  /** No line end within the limit: left to Netty's decoder, which answers 414. */
  static final int TOO_LONG = -3;

  private RequestLine() {}

  /**
   * Checks the request line starting at the reader index, after any empty lines RFC 9112 §2.2 lets
   * a server ignore.
   *
   * @return the number of bytes the line takes (with its CRLF and the empty lines before it), or
   *     {@link #INCOMPLETE} / {@link #INVALID} / {@link #TOO_LONG}
   */
  static int check(ByteBuf buf, int maxLength) {
    int start = buf.readerIndex();
    int end = buf.writerIndex();
    int i = start;
    // Leading empty lines (CRLF) are allowed; a bare LF is not a line ending.
    while (i + 1 < end && buf.getByte(i) == '\r' && buf.getByte(i + 1) == '\n') {
      i += 2;
    }
    int lf = buf.indexOf(i, Math.min(end, i + maxLength + 2), (byte) '\n');
    if (lf < 0) {
      return end - i > maxLength + 1 ? TOO_LONG : INCOMPLETE;
    }
    if (lf == i || buf.getByte(lf - 1) != '\r') {
      return INVALID;
    }
    int lineEnd = lf - 1;
    int p = i;
    while (p < lineEnd && isTchar(buf.getByte(p))) {
      p++;
    }
    if (p == i || p >= lineEnd || buf.getByte(p) != ' ') {
      return INVALID;
    }
    int target = ++p;
    while (p < lineEnd && isTargetByte(buf.getByte(p))) {
      p++;
    }
    if (p == target || p >= lineEnd || buf.getByte(p) != ' ') {
      return INVALID;
    }
    p++;
    if (lineEnd - p != 8 || !version(buf, p)) {
      return INVALID;
    }
    return lf + 1 - start;
  }

  private static boolean version(ByteBuf buf, int p) {
    return buf.getByte(p) == 'H'
        && buf.getByte(p + 1) == 'T'
        && buf.getByte(p + 2) == 'T'
        && buf.getByte(p + 3) == 'P'
        && buf.getByte(p + 4) == '/'
        && buf.getByte(p + 5) == '1'
        && buf.getByte(p + 6) == '.'
        && (buf.getByte(p + 7) == '1' || buf.getByte(p + 7) == '0');
  }

  /** Visible ASCII, and bytes above it (nginx passes raw UTF-8 in targets; so do we). */
  private static boolean isTargetByte(byte b) {
    return b > 0x20 && b != 0x7f;
  }

  /** RFC 9110 §5.6.2 token characters. */
  static boolean isTchar(byte b) {
    if (b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9') {
      return true;
    }
    return switch (b) {
      case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~' -> true;
      default -> false;
    };
  }
}
