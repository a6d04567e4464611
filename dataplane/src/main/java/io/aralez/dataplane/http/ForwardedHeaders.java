package io.aralez.dataplane.http;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The headers of a head read in place: the peer's own lines ({@link HeadLines}), never decoded into
 * a map, and the fields the proxy added ({@link AddedFields}). Lines are only ever dropped (a
 * removal, or a set that replaces a name's values); what the proxy adds or sets goes to the end, as
 * Netty's own headers put a name that was set. A name's kept lines are read before its added
 * values, as they came first. Written out, the remaining lines are copied as the peer sent them,
 * then the added fields follow in order ({@link HeadWriter}).
 *
 * <p>The framing names (Content-Length, Transfer-Encoding, Connection, Host) are never copied: a
 * kept one is written again in canonical form from its trimmed value. Entries handed out by the
 * iterators are read-only; changes go through the named mutators.
 */
public final class ForwardedHeaders extends NamedHeaders {
  static {
    // Two words of bits cover every line a head may keep.
    if (HeadLines.MAX_LINES > 128) {
      throw new ExceptionInInitializerError("HeadLines.MAX_LINES over 128");
    }
  }

  private final HeadLines raw;
  // Lines no longer in the head (removed, or their name set anew): bit i of lines 0-63, then
  // 64-127.
  private long droppedLow;
  private long droppedHigh;
  private final AddedFields added = new AddedFields();

  ForwardedHeaders(HeadLines raw) {
    this.raw = raw;
  }

  HeadLines lines() {
    return raw;
  }

  AddedFields added() {
    return added;
  }

  // ---- which lines are still there

  /** Whether line {@code i} is no longer in the head. */
  boolean dropped(int i) {
    return ((i < 64 ? droppedLow >>> i : droppedHigh >>> (i - 64)) & 1) != 0;
  }

  private void drop(int i) {
    if (i < 64) {
      droppedLow |= 1L << i;
    } else {
      droppedHigh |= 1L << (i - 64);
    }
  }

  /** The first line at or after {@code from} still in the head with this name, or -1. */
  private int lineOf(CharSequence name, int from) {
    int i = raw.indexOf(name, from);
    while (i >= 0 && dropped(i)) {
      i = raw.indexOf(name, i + 1);
    }
    return i;
  }

  private void dropLines(CharSequence name) {
    for (int i = raw.indexOf(name, 0); i >= 0; i = raw.indexOf(name, i + 1)) {
      drop(i);
    }
  }

  // ---- writing

  /**
   * Removes every header whose name matches, without making an entry per line: the predicate sees
   * each name through one reused view and must not keep it.
   */
  public void removeNamesIf(Predicate<CharSequence> match) {
    HeadLines.NameCursor cursor = raw.nameCursor();
    for (int i = 0, n = raw.count(); i < n; i++) {
      if (!dropped(i) && match.test(cursor.at(i))) {
        drop(i);
      }
    }
    added.removeIf(match);
  }

  /** Removes every header whose name is in {@code set}: one pass over the lines. */
  public void removeNames(FieldNameSet set) {
    for (int i = 0, n = raw.count(); i < n; i++) {
      if (!dropped(i) && set.matchesLine(raw, i)) {
        drop(i);
      }
    }
    if (added.size() > 0) {
      added.removeIf(set);
    }
  }

  // ---- reads: a name's kept lines come before the values the proxy added for it

  @Override
  public String get(CharSequence name) {
    int i = lineOf(name, 0);
    return i >= 0 ? raw.value(i) : added.get(name);
  }

  @Override
  public List<String> getAll(CharSequence name) {
    int i = lineOf(name, 0);
    if (i < 0) {
      return added.getAll(name);
    }
    int next = lineOf(name, i + 1);
    if (next < 0 && added.indexOf(name, 0) < 0) {
      // The usual case (Content-Length, Connection...): no list to grow.
      return Collections.singletonList(raw.value(i));
    }
    List<String> values = new ArrayList<>(4);
    for (; i >= 0; i = lineOf(name, i + 1)) {
      values.add(raw.value(i));
    }
    values.addAll(added.getAll(name));
    return values;
  }

  /**
   * Value {@code index} of {@code name}, in {@link #getAll}'s order, as a view of the head's bytes
   * when it is a line (no String made; not to be kept past a change of these headers); null past
   * the last one.
   */
  public CharSequence valueView(CharSequence name, int index) {
    int k = index;
    for (int i = lineOf(name, 0); i >= 0; i = lineOf(name, i + 1)) {
      if (k-- == 0) {
        return raw.valueView(i);
      }
    }
    for (int i = added.indexOf(name, 0); i >= 0; i = added.indexOf(name, i + 1)) {
      if (k-- == 0) {
        return added.value(i);
      }
    }
    return null;
  }

  /**
   * Read from the lines without making Strings: Netty's version lists every value first, and it
   * runs on each response head ({@code HttpUtil.isKeepAlive} asks for {@code Connection: close}).
   */
  @Override
  public boolean containsValue(CharSequence name, CharSequence value, boolean ignoreCase) {
    for (int i = lineOf(name, 0); i >= 0; i = lineOf(name, i + 1)) {
      if (raw.valueHasToken(i, value, ignoreCase)) {
        return true;
      }
    }
    return added.containsValue(name, value, ignoreCase);
  }

  @Override
  public boolean contains(CharSequence name) {
    return lineOf(name, 0) >= 0 || added.indexOf(name, 0) >= 0;
  }

  @Override
  public List<Map.Entry<String, String>> entries() {
    List<Map.Entry<String, String>> all = new ArrayList<>(size());
    iterator().forEachRemaining(all::add);
    return all;
  }

  @Override
  public Iterator<Map.Entry<String, String>> iterator() {
    return new KeptEntries<>(
        raw,
        this::dropped,
        added,
        (name, value) -> new SimpleImmutableEntry<>(name.toString(), value.toString()));
  }

  @Override
  public Iterator<Map.Entry<CharSequence, CharSequence>> iteratorCharSequence() {
    return new KeptEntries<CharSequence>(raw, this::dropped, added, SimpleImmutableEntry::new);
  }

  @Override
  public boolean isEmpty() {
    return size() == 0;
  }

  @Override
  public int size() {
    return raw.count() - Long.bitCount(droppedLow) - Long.bitCount(droppedHigh) + added.size();
  }

  @Override
  public Set<String> names() {
    Set<String> names = new LinkedHashSet<>();
    for (Iterator<Map.Entry<CharSequence, CharSequence>> it = iteratorCharSequence();
        it.hasNext(); ) {
      names.add(it.next().getKey().toString());
    }
    return names;
  }

  // ---- changes: the kept lines are only ever dropped; what the proxy adds goes to the end

  @Override
  public HttpHeaders add(CharSequence name, Object value) {
    added.add(name, value);
    return this;
  }

  @Override
  public HttpHeaders add(CharSequence name, Iterable<?> values) {
    for (Object v : values) {
      added.add(name, v);
    }
    return this;
  }

  @Override
  public HttpHeaders set(CharSequence name, Object value) {
    CharSequence checked = AddedFields.checked(name, value);
    remove(name);
    added.append(name, checked);
    return this;
  }

  @Override
  public HttpHeaders set(CharSequence name, Iterable<?> values) {
    List<CharSequence> checked = new ArrayList<>(4);
    for (Object v : values) {
      checked.add(AddedFields.checked(name, v));
    }
    remove(name);
    for (CharSequence v : checked) {
      added.append(name, v);
    }
    return this;
  }

  @Override
  public HttpHeaders remove(CharSequence name) {
    dropLines(name);
    added.remove(name);
    return this;
  }

  @Override
  public HttpHeaders add(HttpHeaders headers) {
    if (headers == this) {
      throw new IllegalArgumentException("can't add to itself");
    }
    for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence();
        it.hasNext(); ) {
      Map.Entry<CharSequence, CharSequence> e = it.next();
      add(e.getKey(), e.getValue());
    }
    return this;
  }

  @Override
  public HttpHeaders set(HttpHeaders headers) {
    if (headers != this) {
      clear();
      add(headers);
    }
    return this;
  }

  /** Netty's: each entry set in turn (so of a name given twice, the last value stays). */
  @Override
  public HttpHeaders setAll(HttpHeaders headers) {
    return headers == this ? this : super.setAll(headers);
  }

  @Override
  public HttpHeaders clear() {
    int n = raw.count();
    droppedLow = n >= 64 ? -1L : (1L << n) - 1;
    droppedHigh = n <= 64 ? 0 : n >= 128 ? -1L : (1L << (n - 64)) - 1;
    added.clear();
    return this;
  }
}
