package io.aralez.dataplane.http;

import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.BiFunction;
import java.util.function.IntPredicate;

/**
 * The entries of {@link ForwardedHeaders}: its remaining kept lines in order (as views of the kept
 * bytes), then the fields the proxy added. Read-only: an entry's {@code setValue} throws.
 */
final class KeptEntries<T> implements Iterator<Map.Entry<T, T>> {
  private final HeadLines lines;
  private final IntPredicate dropped;
  private final AddedFields added;
  private final BiFunction<CharSequence, CharSequence, Map.Entry<T, T>> entry;
  private int next = -1;
  private int nextAdded;

  /**
   * @param dropped whether a line is no longer in the head
   */
  KeptEntries(
      HeadLines lines,
      IntPredicate dropped,
      AddedFields added,
      BiFunction<CharSequence, CharSequence, Map.Entry<T, T>> entry) {
    this.lines = lines;
    this.dropped = dropped;
    this.added = added;
    this.entry = entry;
    advance();
  }

  private boolean inLines() {
    return next < lines.count();
  }

  private void advance() {
    next++;
    while (inLines() && dropped.test(next)) {
      next++;
    }
  }

  @Override
  public boolean hasNext() {
    return inLines() || nextAdded < added.size();
  }

  @Override
  public Map.Entry<T, T> next() {
    if (inLines()) {
      Map.Entry<T, T> e = entry.apply(lines.nameView(next), lines.valueView(next));
      advance();
      return e;
    }
    if (nextAdded >= added.size()) {
      throw new NoSuchElementException();
    }
    int i = nextAdded++;
    return entry.apply(added.name(i), added.value(i));
  }
}
