package io.aralez.dataplane.http;

import io.netty.util.AsciiString;

/** Field-name sets small enough to walk: cheaper than hashing the name for a handful of entries. */
public final class FieldNames {
  private FieldNames() {}

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
