package io.aralez.dataplane.http;

import io.netty.util.AsciiString;

/** Field values read and checked as text, wherever they are kept (lines or added fields). */
final class FieldValues {
  private FieldValues() {}

  /**
   * Where {@code value} breaks the field-content rule (RFC 9110 §5.5: no CR, LF, NUL or other
   * control but HTAB, no DEL; leading whitespace neither), or -1 when it does not. The rule Netty's
   * headers apply; an empty value is allowed.
   */
  static int invalidAt(CharSequence value) {
    int n = value.length();
    if (n == 0) {
      return -1;
    }
    if (value instanceof AsciiString ascii
        && HeadLines.valueIsClean(ascii.array(), ascii.arrayOffset(), ascii.arrayOffset() + n)) {
      // The kept lines' check, eight bytes at a time; what is left is the first character.
      char c = ascii.charAt(0);
      return c == ' ' || c == '\t' ? 0 : -1;
    }
    char first = value.charAt(0);
    if (!isContent(first) || first == ' ' || first == '\t') {
      return 0;
    }
    for (int i = 1; i < n; i++) {
      if (!isContent(value.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  private static boolean isContent(int c) {
    return (c >= 0x20 || c == '\t') && c != 0x7f;
  }

  /**
   * Whether one of the comma-separated parts of {@code value}, trimmed, is {@code token}: how
   * Netty's {@code HttpHeaders.containsValue} reads a value (a value without a comma is one part,
   * even when empty; an empty part after the last comma is not one).
   */
  static boolean hasToken(CharSequence value, CharSequence token, boolean ignoreCase) {
    int from = 0;
    int end = value.length();
    boolean comma = false;
    for (int p = 0; p <= end; p++) {
      if (p < end && value.charAt(p) != ',') {
        continue;
      }
      if ((p < end || from < end || !comma) && partIs(value, from, p, token, ignoreCase)) {
        return true;
      }
      comma = true;
      from = p + 1;
    }
    return false;
  }

  private static boolean partIs(
      CharSequence value, int from, int to, CharSequence token, boolean ignoreCase) {
    while (from < to && value.charAt(from) <= ' ') {
      from++;
    }
    while (to > from && value.charAt(to - 1) <= ' ') {
      to--;
    }
    if (to - from != token.length()) {
      return false;
    }
    for (int k = 0; k < to - from; k++) {
      char a = value.charAt(from + k);
      char b = token.charAt(k);
      if (a != b && !(ignoreCase && sameIgnoringCase(a, b))) {
        return false;
      }
    }
    return true;
  }

  /** Equal, or the same ASCII letter in another case. */
  static boolean sameIgnoringCase(int a, int b) {
    int l = a | 0x20;
    return a == b || l == (b | 0x20) && l >= 'a' && l <= 'z';
  }
}
