package io.aralez.dataplane.http;

import io.netty.util.AsciiString;
import java.util.Arrays;

/**
 * The header names the proxy changed in a head read in place ({@link ForwardedHeaders}): a small
 * case-insensitive set, asked about every line and every lookup, where most names are told apart by
 * their length alone (one bit per length, modulo 64).
 */
final class ChangedNames {
  // Past this many names, scanning them costs more than giving the lines up.
  private static final int MAX = 64;

  private CharSequence[] names;
  private int count;
  private long lengths;

  boolean contains(CharSequence name) {
    if ((lengths & (1L << (name.length() & 63))) == 0) {
      return false;
    }
    for (int c = 0; c < count; c++) {
      if (AsciiString.contentEqualsIgnoreCase(names[c], name)) {
        return true;
      }
    }
    return false;
  }

  /** Whether line {@code i} of {@code lines} has one of these names. */
  boolean hasLine(HeadLines lines, int i) {
    if ((lengths & (1L << (lines.nameLength(i) & 63))) == 0) {
      return false;
    }
    for (int c = 0; c < count; c++) {
      if (lines.nameIs(i, names[c])) {
        return true;
      }
    }
    return false;
  }

  boolean isFull() {
    return count == MAX;
  }

  /** Adds {@code name}, which is not yet here; the caller checked {@link #isFull()}. */
  void add(CharSequence name) {
    if (names == null) {
      names = new CharSequence[4];
    } else if (count == names.length) {
      names = Arrays.copyOf(names, names.length * 2);
    }
    names[count++] = name instanceof String || name instanceof AsciiString ? name : name.toString();
    lengths |= 1L << (name.length() & 63);
  }
}
