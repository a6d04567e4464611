package io.aralez.dataplane.http;

import io.netty.handler.codec.DateFormatter;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Calendar;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.function.Predicate;

/**
 * The fields the proxy set or added to a head read in place ({@link ForwardedHeaders}), in the
 * order they were added: a handful per message (the forwarding headers, framing, configured
 * headers), so a list walked by name beats a hash table. A Netty {@code DefaultHttpHeaders} here
 * hashed, converted and validated each of them through several layers: ~5% of the HTTP/1.1 request
 * path's user time (bench/README.md, fifteenth session).
 *
 * <p>What is added is checked as Netty's headers check it: a name must be a token, a value
 * field-content (no CR, LF, NUL or other control but HTAB); anything else is refused with {@link
 * IllegalArgumentException} before it is stored.
 */
final class AddedFields {
  private static final CharSequence[] NONE = {};

  // Made at the first field: most responses get none.
  private CharSequence[] names = NONE;
  private CharSequence[] values = NONE;
  private int count;
  // Bit (length & 63) of each added name's length, never cleared but by clear(): most lookups of
  // a name no field has end here (a set looks up the name first to replace it).
  private long lengths;

  int size() {
    return count;
  }

  CharSequence name(int i) {
    return names[i];
  }

  CharSequence value(int i) {
    return values[i];
  }

  void add(CharSequence name, Object value) {
    append(name, checked(name, value));
  }

  /** The text of {@code value} for a field {@code name}, both checked; or it throws. */
  static CharSequence checked(CharSequence name, Object value) {
    CharSequence v = text(value);
    checkName(name);
    checkValue(v);
    return v;
  }

  /** Adds a field {@link #checked} before. */
  void append(CharSequence name, CharSequence v) {
    if (count == names.length) {
      // Not Arrays.copyOf: for an array type other than Object[] it makes the new array
      // reflectively, which showed in profiles.
      CharSequence[] n = new CharSequence[Math.max(8, count * 2)];
      CharSequence[] v2 = new CharSequence[n.length];
      System.arraycopy(names, 0, n, 0, count);
      System.arraycopy(values, 0, v2, 0, count);
      names = n;
      values = v2;
    }
    lengths |= 1L << (name.length() & 63);
    names[count] = name;
    values[count++] = v;
  }

  /** Removes every field named {@code name}; whether there was one. */
  boolean remove(CharSequence name) {
    return indexOf(name, 0) >= 0 && removeIf(n -> AsciiString.contentEqualsIgnoreCase(n, name));
  }

  /** Removes every field whose name matches, keeping the others in order. */
  boolean removeIf(Predicate<CharSequence> match) {
    int kept = 0;
    for (int i = 0; i < count; i++) {
      if (!match.test(names[i])) {
        names[kept] = names[i];
        values[kept++] = values[i];
      }
    }
    boolean removed = kept < count;
    Arrays.fill(names, kept, count, null);
    Arrays.fill(values, kept, count, null);
    count = kept;
    return removed;
  }

  void clear() {
    Arrays.fill(names, 0, count, null);
    Arrays.fill(values, 0, count, null);
    count = 0;
    lengths = 0;
  }

  /** The first field named {@code name}, or -1. */
  int indexOf(CharSequence name, int from) {
    if ((lengths & (1L << (name.length() & 63))) == 0) {
      return -1;
    }
    for (int i = from; i < count; i++) {
      if (AsciiString.contentEqualsIgnoreCase(names[i], name)) {
        return i;
      }
    }
    return -1;
  }

  String get(CharSequence name) {
    int i = indexOf(name, 0);
    return i < 0 ? null : values[i].toString();
  }

  List<String> getAll(CharSequence name) {
    int i = indexOf(name, 0);
    if (i < 0) {
      return Collections.emptyList();
    }
    List<String> all = new ArrayList<>(2);
    for (; i >= 0; i = indexOf(name, i + 1)) {
      all.add(values[i].toString());
    }
    return all;
  }

  boolean containsValue(CharSequence name, CharSequence token, boolean ignoreCase) {
    for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
      if (FieldValues.hasToken(values[i], token, ignoreCase)) {
        return true;
      }
    }
    return false;
  }

  /** As Netty's headers turn a value into text: dates in the HTTP format, the rest as strings. */
  private static CharSequence text(Object value) {
    if (value instanceof CharSequence s) {
      return s;
    }
    if (value instanceof Date d) {
      return DateFormatter.format(d);
    }
    if (value instanceof Calendar c) {
      return DateFormatter.format(c.getTime());
    }
    if (value == null) {
      throw new NullPointerException("value");
    }
    return value.toString();
  }

  private static void checkName(CharSequence name) {
    if (name == null || name.length() == 0) {
      throw new IllegalArgumentException("empty header names are not allowed");
    }
    refuseAt(FieldNames.invalidAt(name), name, "a header name can only contain token characters");
  }

  private static void checkValue(CharSequence value) {
    // The value itself stays out of the message: it may be a secret (an Authorization header).
    refuseAt(FieldValues.invalidAt(value), null, "a header value can only contain field-content");
  }

  /** Throws when {@code bad} is an index (of a character {@code rule} does not allow). */
  private static void refuseAt(int bad, CharSequence shown, String rule) {
    if (bad >= 0) {
      throw new IllegalArgumentException(
          rule
              + ", found a character not allowed at index "
              + bad
              + (shown == null ? "" : " of: " + shown));
    }
  }
}
