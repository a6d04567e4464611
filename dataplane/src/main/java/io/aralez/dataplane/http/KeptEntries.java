package io.aralez.dataplane.http;

import io.netty.util.AsciiString;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;

/**
 * The entries of {@link ForwardedHeaders}: its unchanged kept lines in order (as views of the kept
 * bytes), then the overlay's entries. Read-only: an entry's {@code setValue} throws.
 */
final class KeptEntries<T> implements Iterator<Map.Entry<T, T>> {
  private final HeadLines lines;
  private final BiPredicate<HeadLines, Integer> changed;
  private final BiFunction<AsciiString, AsciiString, Map.Entry<T, T>> entry;
  private final Iterator<? extends Map.Entry<? extends T, ? extends T>> rest;
  private int next = -1;

  /**
   * @param lines the kept lines, or null when there are none
   * @param changed whether a line's name was changed (its values are in the overlay)
   */
  KeptEntries(
      HeadLines lines,
      BiPredicate<HeadLines, Integer> changed,
      BiFunction<AsciiString, AsciiString, Map.Entry<T, T>> entry,
      Iterator<? extends Map.Entry<? extends T, ? extends T>> rest) {
    this.lines = lines;
    this.changed = changed;
    this.entry = entry;
    this.rest = rest;
    advance();
  }

  private boolean inLines() {
    return lines != null && next < lines.count();
  }

  private void advance() {
    next++;
    while (inLines() && changed.test(lines, next)) {
      next++;
    }
  }

  @Override
  public boolean hasNext() {
    return inLines() || rest.hasNext();
  }

  @Override
  public Map.Entry<T, T> next() {
    if (inLines()) {
      Map.Entry<T, T> e = entry.apply(lines.nameView(next), lines.valueView(next));
      advance();
      return e;
    }
    if (!rest.hasNext()) {
      throw new NoSuchElementException();
    }
    Map.Entry<? extends T, ? extends T> e = rest.next();
    return new SimpleImmutableEntry<>(e.getKey(), e.getValue());
  }
}
