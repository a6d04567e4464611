package io.aralez.dataplane.http;

import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * A fixed set of field names (ASCII case ignored), optionally with every name that contains one
 * given character, tested against a head's kept lines in one pass ({@link
 * ForwardedHeaders#removeNames}). The proxy drops ~25 names from each request it forwards
 * (hop-by-hop, the ones it sets itself, the spoofable ones): one look-up per name walked every line
 * each time; one pass here compares a line's name only with the set's names of the same length.
 */
public final class FieldNameSet implements Predicate<CharSequence> {
  private static final int NO_CHAR = -1;

  private final AsciiString[] names;
  // The set's names by length; lengths are at most 63 (checked).
  private final AsciiString[][] byLength = new AsciiString[64][];
  private final long lengths;
  private final int containing;

  private FieldNameSet(AsciiString[] names, int containing) {
    this.names = names;
    this.containing = containing;
    long bits = 0;
    for (AsciiString n : names) {
      int len = n.length();
      if (len == 0 || len > 63) {
        throw new IllegalArgumentException("field name of 1 to 63 characters: " + n);
      }
      AsciiString[] same = byLength[len];
      same = same == null ? new AsciiString[1] : Arrays.copyOf(same, same.length + 1);
      same[same.length - 1] = n;
      byLength[len] = same;
      bits |= 1L << len;
    }
    this.lengths = bits;
  }

  public static FieldNameSet of(AsciiString... names) {
    return new FieldNameSet(names.clone(), NO_CHAR);
  }

  /** This set and {@code more}. */
  public FieldNameSet and(AsciiString... more) {
    AsciiString[] all = Arrays.copyOf(names, names.length + more.length);
    System.arraycopy(more, 0, all, names.length, more.length);
    return new FieldNameSet(all, containing);
  }

  /** This set and every name that contains {@code c} (an ASCII character). */
  public FieldNameSet andAnyContaining(char c) {
    if (c >= 128) {
      throw new IllegalArgumentException("not ASCII: " + c);
    }
    return new FieldNameSet(names, c);
  }

  private boolean byCharacter(CharSequence name) {
    return containing != NO_CHAR && AsciiString.indexOf(name, (char) containing, 0) >= 0;
  }

  @Override
  public boolean test(CharSequence name) {
    int len = name.length();
    if (len < 64 && (lengths & (1L << len)) != 0) {
      for (AsciiString n : byLength[len]) {
        if (n.contentEqualsIgnoreCase(name)) {
          return true;
        }
      }
    }
    return byCharacter(name);
  }

  /** {@link #test} on line {@code i} of {@code raw}, read from its bytes. */
  boolean matchesLine(HeadLines raw, int i) {
    int len = raw.nameLength(i);
    if (len < 64 && (lengths & (1L << len)) != 0) {
      for (AsciiString n : byLength[len]) {
        if (raw.nameIs(i, n)) {
          return true;
        }
      }
    }
    if (containing != NO_CHAR) {
      byte[] b = raw.bytes();
      for (int k = raw.start(i), end = k + len; k < end; k++) {
        if (b[k] == containing) {
          return true;
        }
      }
    }
    return false;
  }

  @Override
  public String toString() {
    List<String> all = new ArrayList<>();
    for (AsciiString n : names) {
      all.add(n.toString());
    }
    return containing == NO_CHAR
        ? all.toString()
        : all + " and names with '" + (char) containing + "'";
  }
}
