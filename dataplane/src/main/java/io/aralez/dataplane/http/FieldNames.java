package io.aralez.dataplane.http;

import io.netty.util.AsciiString;

/** Field-name sets small enough to walk: cheaper than hashing the name for a handful of entries. */
public final class FieldNames {
  /** The token characters (RFC 9110 §5.6.2), by ASCII code. */
  static final boolean[] TCHAR = new boolean[128];

  static {
    for (char c = '0'; c <= '9'; c++) {
      TCHAR[c] = true;
    }
    for (char c = 'a'; c <= 'z'; c++) {
      TCHAR[c] = true;
      TCHAR[c - 'a' + 'A'] = true;
    }
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
      TCHAR[c] = true;
    }
  }

  private FieldNames() {}

  /** Where {@code name} has a character that is not a token character, or -1 when none. */
  static int invalidAt(CharSequence name) {
    if (name instanceof AsciiString ascii) {
      // The proxy's own names are constants: a table look-up per byte of the array.
      byte[] b = ascii.array();
      int off = ascii.arrayOffset();
      for (int i = 0, n = ascii.length(); i < n; i++) {
        int c = b[off + i];
        if (c < 0 || !TCHAR[c]) {
          return i;
        }
      }
      return -1;
    }
    for (int i = 0, n = name.length(); i < n; i++) {
      char c = name.charAt(i);
      if (c >= 128 || !TCHAR[c]) {
        return i;
      }
    }
    return -1;
  }

  /** Whether {@code name} is one of {@code names}, ignoring case. */
  public static boolean isOneOf(CharSequence name, AsciiString[] names) {
    for (AsciiString n : names) {
      // Compares lengths first: most names are rejected without looking at a character.
      if (n.contentEqualsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }
}
