package io.aralez.dataplane.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.AsciiString;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The header lines of one message head exactly as the peer sent them, kept so they can be forwarded
 * byte for byte instead of being encoded again from the decoded objects.
 *
 * <p>Only a head whose every line passes the strict field grammar (RFC 9110 §5.1, §5.5; RFC 9112
 * §5) is kept: a token name directly followed by the colon, a value of HTAB, SP, visible ASCII and
 * obs-text only, each line ended by CRLF, no obs-fold. Anything else (bare CR or LF, NUL and other
 * controls, a space before the colon, a continuation line) is a head two parsers could read
 * differently, so it is never copied: {@link #scan} returns null and the message goes through
 * Netty's decoder and encoder as before, which refuse or normalise it.
 */
public final class HeadLines {
  /** More lines than this are not kept (the head is then encoded from its objects). */
  static final int MAX_LINES = 100;

  private final byte[] bytes;
  // Per line: its name's length, the offset after its CRLF (a line starts where the last ended).
  private final int[] lines;
  // Bit (length & 63) set for each line's name length: most lookups of an absent name end here.
  private final long nameLengths;

  private HeadLines(byte[] bytes, int[] lines) {
    this.bytes = bytes;
    this.lines = lines;
    long bits = 0;
    for (int i = 0; i < lines.length; i += 2) {
      bits |= 1L << (lines[i] & 63);
    }
    this.nameLengths = bits;
  }

  /** Bit (length & 63) set for each name's length: a set of names most lookups can rule out. */
  static long lengthBits(CharSequence... names) {
    long bits = 0;
    for (CharSequence n : names) {
      bits |= 1L << (n.length() & 63);
    }
    return bits;
  }

  /**
   * Finds and checks header lines. One per decoder: it keeps a scratch array between messages so
   * that a head costs two exact-size arrays, its bytes and its line offsets.
   */
  public static final class Scanner {
    private int[] scratch = new int[48];

    /**
     * Reads the header lines that start at {@code from} (the byte after the start line's CRLF) up
     * to and excluding the empty line that ends the head.
     *
     * @param limit the most bytes the header lines may take (the decoder's header size limit)
     * @return the lines, or null when the head does not end within the buffer and the limit, or any
     *     line breaks the strict grammar
     */
    public HeadLines scan(ByteBuf buf, int from, int limit) {
      int end = Math.min(buf.writerIndex(), from + limit + 2);
      int[] found = scratch;
      int n = 0;
      int at = from;
      while (true) {
        int lf = buf.indexOf(at, end, (byte) '\n');
        if (lf < 0 || lf == at) {
          // Not whole yet, or a bare LF as the empty line.
          return null;
        }
        if (lf == at + 1) {
          if (buf.getByte(at) != '\r') {
            return null;
          }
          break;
        }
        if (n == MAX_LINES) {
          return null;
        }
        if (2 * n + 2 > found.length) {
          found = scratch = Arrays.copyOf(found, found.length * 2);
        }
        found[2 * n + 1] = lf + 1 - from;
        n++;
        at = lf + 1;
      }
      byte[] bytes = new byte[at - from];
      buf.getBytes(from, bytes);
      int start = 0;
      for (int i = 0; i < n; i++) {
        int next = found[2 * i + 1];
        // Each line's CR is checked here, in the copy: a read per line from the buffer cost more.
        if (bytes[next - 2] != '\r') {
          return null;
        }
        int name = nameLength(bytes, start, next - 2);
        if (name <= 0) {
          return null;
        }
        found[2 * i] = name;
        start = next;
      }
      return new HeadLines(bytes, Arrays.copyOf(found, 2 * n));
    }
  }

  /** The length of a valid line's name, or -1 when the line breaks the grammar. */
  private static int nameLength(byte[] b, int start, int cr) {
    int i = start;
    while (i < cr && b[i] >= 0 && FieldNames.TCHAR[b[i]]) {
      i++;
    }
    if (i == start || i == cr || b[i] != ':') {
      // No name, no colon, or something else (a space, a separator) before it.
      return -1;
    }
    return valueIsClean(b, i + 1, cr) ? i - start : -1;
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGH = 0x8080808080808080L;

  /**
   * Whether a value holds only HTAB, SP, visible ASCII and obs-text. Eight bytes at a time: a word
   * with no byte below 0x20 and none equal to 0x7f is clean (obs-text bytes have the high bit set
   * and pass); a word that may hold one is checked byte by byte.
   */
  static boolean valueIsClean(byte[] b, int from, int to) {
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long x = (long) LONGS.get(b, i);
      long below = (x - 0x20 * ONES) & ~x & HIGH;
      long del = x ^ (0x7f * ONES);
      long isDel = (del - ONES) & ~del & HIGH;
      if ((below | isDel) != 0 && !bytesAreClean(b, i, i + 8)) {
        return false;
      }
    }
    return bytesAreClean(b, i, to);
  }

  private static boolean bytesAreClean(byte[] b, int from, int to) {
    for (int v = from; v < to; v++) {
      byte c = b[v];
      // obs-text (0x80-0xFF) is negative here and allowed; CR, LF, NUL and other controls not.
      if ((c >= 0 && c < 0x20 && c != '\t') || c == 0x7f) {
        return false;
      }
    }
    return true;
  }

  int count() {
    return lines.length / 2;
  }

  /** The bytes the header lines take, without the empty line after them. */
  int length() {
    return bytes.length;
  }

  byte[] bytes() {
    return bytes;
  }

  /** Where line {@code i} starts in {@link #bytes()}. */
  int start(int i) {
    return i == 0 ? 0 : lines[2 * i - 1];
  }

  int nameLength(int i) {
    return lines[2 * i];
  }

  /** Where line {@code i} ends, after its CRLF. */
  int end(int i) {
    return lines[2 * i + 1];
  }

  /** Whether line {@code i}'s name is {@code name}, ignoring ASCII case. */
  boolean nameIs(int i, CharSequence name) {
    int len = lines[2 * i];
    if (name.length() != len) {
      return false;
    }
    int start = start(i);
    if (name instanceof AsciiString ascii) {
      // Most names the proxy looks up are constants: compare the arrays, no call per character.
      byte[] other = ascii.array();
      int off = ascii.arrayOffset();
      for (int k = 0; k < len; k++) {
        if (!FieldValues.sameIgnoringCase(bytes[start + k], other[off + k])) {
          return false;
        }
      }
      return true;
    }
    for (int k = 0; k < len; k++) {
      if (!FieldValues.sameIgnoringCase(bytes[start + k], name.charAt(k))) {
        return false;
      }
    }
    return true;
  }

  /** Whether some line has this name (ASCII case ignored). */
  boolean has(CharSequence name) {
    return indexOf(name, 0) >= 0;
  }

  /** The first line at or after {@code from} with this name, or -1. */
  int indexOf(CharSequence name, int from) {
    if ((nameLengths & (1L << (name.length() & 63))) == 0) {
      return -1;
    }
    for (int i = from, n = count(); i < n; i++) {
      if (nameIs(i, name)) {
        return i;
      }
    }
    return -1;
  }

  /** {@link #plainContentLength}: the head has no Content-Length line. */
  static final long NO_CONTENT_LENGTH = -2;

  /**
   * The body length one Content-Length line gives in plain form (1 to 18 digits, no leading zero
   * unless the value is "0"); {@link #NO_CONTENT_LENGTH} when there is no such line; -1 when there
   * is more than one or any other form: those are left to Netty's decoder, which refuses or
   * normalises them.
   */
  long plainContentLength() {
    int i = indexOf(HttpHeaderNames.CONTENT_LENGTH, 0);
    if (i < 0) {
      return NO_CONTENT_LENGTH;
    }
    if (indexOf(HttpHeaderNames.CONTENT_LENGTH, i + 1) >= 0) {
      return -1;
    }
    int v = valueStart(i);
    int e = valueEnd(i);
    if (e == v || e - v > 18 || (bytes[v] == '0' && e - v > 1)) {
      return -1;
    }
    long length = 0;
    for (int k = v; k < e; k++) {
      int d = bytes[k] - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      length = length * 10 + d;
    }
    return length;
  }

  /** Where line {@code i}'s value starts, after the colon and any whitespace. */
  int valueStart(int i) {
    int v = start(i) + nameLength(i) + 1;
    int e = end(i) - 2;
    while (v < e && (bytes[v] == ' ' || bytes[v] == '\t')) {
      v++;
    }
    return v;
  }

  /** Where line {@code i}'s value ends, before any whitespace and the CRLF. */
  int valueEnd(int i) {
    // From the value's start, not the colon's end: a value of only whitespace ("X: \r\n") must
    // end where it starts, not before it.
    int v = valueStart(i);
    int e = end(i) - 2;
    while (e > v && (bytes[e - 1] == ' ' || bytes[e - 1] == '\t')) {
      e--;
    }
    return e;
  }

  /**
   * Whether one of the comma-separated parts of line {@code i}'s value, trimmed, is {@code token}
   * (as Netty's {@code HttpHeaders.containsValue} reads a value), without making a String.
   */
  boolean valueHasToken(int i, CharSequence token, boolean ignoreCase) {
    return FieldValues.hasToken(valueView(i), token, ignoreCase);
  }

  /** The value of line {@code i} without its surrounding whitespace. */
  String value(int i) {
    int v = valueStart(i);
    return new String(bytes, v, valueEnd(i) - v, StandardCharsets.ISO_8859_1);
  }

  String name(int i) {
    return new String(bytes, start(i), nameLength(i), StandardCharsets.ISO_8859_1);
  }

  /** The name of line {@code i} as a view of the kept bytes (no copy). */
  AsciiString nameView(int i) {
    return new AsciiString(bytes, start(i), nameLength(i), false);
  }

  /** The value of line {@code i} as a view of the kept bytes (no copy). */
  AsciiString valueView(int i) {
    int v = valueStart(i);
    return new AsciiString(bytes, v, valueEnd(i) - v, false);
  }

  /** A view of one line's name at a time, for tests on every name without an object per line. */
  NameCursor nameCursor() {
    return new NameCursor();
  }

  /** One line's name, moved from line to line; not to be kept past the next move. */
  final class NameCursor implements CharSequence {
    private int line;

    NameCursor at(int i) {
      line = i;
      return this;
    }

    @Override
    public int length() {
      return nameLength(line);
    }

    @Override
    public char charAt(int index) {
      return (char) (bytes[start(line) + index] & 0xff);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return nameView(line).subSequence(start, end);
    }

    @Override
    public String toString() {
      return name(line);
    }
  }
}
