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

  // Name, value, name, value...: one array made at the first field (most responses get none).
  private CharSequence[] fields = NONE;
  private int count;
  // Bit (length & 63) of each added name's length, never cleared but by clear(): most lookups of
  // a name no field has end here (a set looks up the name first to replace it).
  private long lengths;

  int size() {
    return count;
  }

  CharSequence name(int i) {
    return fields[2 * i];
  }

  CharSequence value(int i) {
    return fields[2 * i + 1];
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
    if (2 * count == fields.length) {
      // Not Arrays.copyOf: for an array type other than Object[] it makes the new array
      // reflectively, which showed in profiles.
      CharSequence[] grown = new CharSequence[Math.max(16, count * 4)];
      System.arraycopy(fields, 0, grown, 0, 2 * count);
      fields = grown;
    }
    lengths |= 1L << (name.length() & 63);
    fields[2 * count] = name;
    fields[2 * count++ + 1] = v;
  }

  /** Removes every field named {@code name}; whether there was one. */
  boolean remove(CharSequence name) {
    return indexOf(name, 0) >= 0 && removeIf(n -> AsciiString.contentEqualsIgnoreCase(n, name));
  }

  /** Removes every field whose name matches, keeping the others in order. */
  boolean removeIf(Predicate<CharSequence> match) {
    int kept = 0;
    for (int i = 0; i < count; i++) {
      if (!match.test(fields[2 * i])) {
        fields[2 * kept] = fields[2 * i];
        fields[2 * kept++ + 1] = fields[2 * i + 1];
      }
    }
    boolean removed = kept < count;
    Arrays.fill(fields, 2 * kept, 2 * count, null);
    count = kept;
    return removed;
  }

  void clear() {
    Arrays.fill(fields, 0, 2 * count, null);
    count = 0;
    lengths = 0;
  }

  /** The first field named {@code name}, or -1. */
  int indexOf(CharSequence name, int from) {
    if ((lengths & (1L << (name.length() & 63))) == 0) {
      return -1;
    }
    for (int i = from; i < count; i++) {
      if (AsciiString.contentEqualsIgnoreCase(fields[2 * i], name)) {
        return i;
      }
    }
    return -1;
  }

  String get(CharSequence name) {
    int i = indexOf(name, 0);
    return i < 0 ? null : fields[2 * i + 1].toString();
  }

  List<String> getAll(CharSequence name) {
    int i = indexOf(name, 0);
    if (i < 0) {
      return Collections.emptyList();
    }
    List<String> all = new ArrayList<>(2);
    for (; i >= 0; i = indexOf(name, i + 1)) {
      all.add(fields[2 * i + 1].toString());
    }
    return all;
  }

  boolean containsValue(CharSequence name, CharSequence token, boolean ignoreCase) {
    for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
      if (FieldValues.hasToken(fields[2 * i + 1], token, ignoreCase)) {
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
