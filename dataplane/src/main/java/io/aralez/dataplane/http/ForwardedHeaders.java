package io.aralez.dataplane.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.util.AsciiString;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Date;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * The headers of a head read in place: the peer's own lines ({@link HeadLines}), never decoded into
 * a map, plus an overlay for the names the proxy changed. A lookup of an unchanged name reads the
 * lines; a change moves that name into the overlay (a {@link DefaultHttpHeaders}, which validates
 * what the proxy sets). Written out, the unchanged lines are copied as the peer sent them, then the
 * overlay's entries follow in the order they were set, which is where Netty's own headers put a
 * name that was set.
 *
 * <p>The framing names (Content-Length, Transfer-Encoding, Connection, Host) are never copied: an
 * unchanged one is written again in canonical form from its trimmed value. Entries handed out by
 * the iterators are read-only; changes go through the named mutators. Bulk changes ({@code
 * add/set/setAll(HttpHeaders)}, {@code clear}) first turn the lines into overlay entries.
 */
public final class ForwardedHeaders extends HttpHeaders {
  private static final AsciiString[] FRAMING = {
    HttpHeaderNames.HOST,
    HttpHeaderNames.CONNECTION,
    HttpHeaderNames.CONTENT_LENGTH,
    HttpHeaderNames.TRANSFER_ENCODING
  };
  // Past this many changed names, lookups stop scanning them and the lines are given up.
  private static final int MAX_CHANGED = 64;
  private static final short COLON_SP = (':' << 8) | ' ';
  private static final short CRLF = ('\r' << 8) | '\n';

  private HeadLines raw;
  private DefaultHttpHeaders overlay = new DefaultHttpHeaders();
  private CharSequence[] changed;
  private int changedCount;
  // Bit (length & 63) set for each changed name: most names are told apart by length alone.
  private long changedLengths;

  ForwardedHeaders(HeadLines raw) {
    this.raw = raw;
  }

  /**
   * A decoder's headers factory: the headers of a head read in place when the decoder has them
   * ready ({@link #next}), otherwise the decoder's usual ones.
   */
  static final class Factory implements HttpHeadersFactory {
    private final HttpHeadersFactory usual;
    private HttpHeaders next;

    Factory(HttpHeadersFactory usual) {
      this.usual = usual;
    }

    /** The headers for the message the decoder creates next (null: the usual ones). */
    void next(HttpHeaders headers) {
      next = headers;
    }

    @Override
    public HttpHeaders newHeaders() {
      HttpHeaders h = next;
      if (h == null) {
        return usual.newHeaders();
      }
      next = null;
      return h;
    }

    @Override
    public HttpHeaders newEmptyHeaders() {
      return usual.newEmptyHeaders();
    }
  }

  /** Writes a head's header lines: the peer's own where they were kept, else Netty's encoding. */
  static void encode(HttpHeaders headers, ByteBuf buf, LineEncoder netty) {
    if (headers instanceof ForwardedHeaders forwarded && forwarded.raw != null) {
      forwarded.encode(buf);
    } else {
      netty.encode(headers, buf);
    }
  }

  /** An encoder's own way of writing header lines. */
  interface LineEncoder {
    void encode(HttpHeaders headers, ByteBuf buf);
  }

  // ---- what is changed

  /** The index of {@code name} among the changed names, or -1. */
  private int changedIndex(CharSequence name) {
    if ((changedLengths & (1L << (name.length() & 63))) == 0) {
      return -1;
    }
    for (int c = 0; c < changedCount; c++) {
      if (AsciiString.contentEqualsIgnoreCase(changed[c], name)) {
        return c;
      }
    }
    return -1;
  }

  /** Whether reads of {@code name} go to the kept lines. */
  private boolean readsLines(CharSequence name) {
    return raw != null && changedIndex(name) < 0;
  }

  /**
   * Moves {@code name} into the overlay before it changes; {@code keepValues} copies its current
   * values there first (for an add). Past {@link #MAX_CHANGED} names the lines are given up.
   */
  private void change(CharSequence name, boolean keepValues) {
    if (raw == null || changedIndex(name) >= 0) {
      return;
    }
    if (changedCount == MAX_CHANGED) {
      materialize();
      return;
    }
    if (changed == null) {
      changed = new CharSequence[12];
    } else if (changedCount == changed.length) {
      changed = Arrays.copyOf(changed, changed.length * 2);
    }
    if (keepValues) {
      for (int i = raw.indexOf(name, 0); i >= 0; i = raw.indexOf(name, i + 1)) {
        overlay.add(raw.nameView(i), raw.valueView(i));
      }
    }
    changed[changedCount++] =
        name instanceof String || name instanceof AsciiString ? name : name.toString();
    changedLengths |= 1L << (name.length() & 63);
  }

  /** Gives up the lines: every unchanged line becomes an overlay entry, in the original order. */
  private void materialize() {
    if (raw == null) {
      return;
    }
    DefaultHttpHeaders all = new DefaultHttpHeaders();
    for (int i = 0, n = raw.count(); i < n; i++) {
      if (!lineChanged(i)) {
        all.add(raw.nameView(i), raw.valueView(i));
      }
    }
    all.add(overlay);
    overlay = all;
    raw = null;
  }

  private boolean lineChanged(int i) {
    return lineChangedIndex(i) >= 0;
  }

  private int lineChangedIndex(int i) {
    if ((changedLengths & (1L << (raw.nameLength(i) & 63))) == 0) {
      return -1;
    }
    for (int c = 0; c < changedCount; c++) {
      if (raw.nameIs(i, changed[c])) {
        return c;
      }
    }
    return -1;
  }

  // ---- writing

  private void encode(ByteBuf out) {
    HeadLines lines = raw;
    byte[] bytes = lines.bytes();
    // Runs of unchanged lines are copied with one write.
    int runStart = -1;
    int runEnd = -1;
    for (int i = 0, n = lines.count(); i < n; i++) {
      boolean kept = !lineChanged(i);
      AsciiString framing = kept ? framing(lines, i) : null;
      if (kept && framing == null) {
        if (runStart < 0) {
          runStart = lines.start(i);
        }
        runEnd = lines.end(i);
        continue;
      }
      if (runStart >= 0) {
        out.writeBytes(bytes, runStart, runEnd - runStart);
        runStart = -1;
      }
      if (framing != null) {
        ByteBufUtil.copy(framing, out);
        out.writeShort(COLON_SP);
        int v = lines.valueStart(i);
        out.writeBytes(bytes, v, lines.valueEnd(i) - v);
        out.writeShort(CRLF);
      }
    }
    if (runStart >= 0) {
      out.writeBytes(bytes, runStart, runEnd - runStart);
    }
    // The changed names, in the order they were set: as Netty's encoder writes a head whose
    // headers were set (a set moves a name to the end).
    for (Iterator<Map.Entry<CharSequence, CharSequence>> it = overlay.iteratorCharSequence();
        it.hasNext(); ) {
      Map.Entry<CharSequence, CharSequence> e = it.next();
      ByteBufUtil.writeAscii(out, e.getKey());
      out.writeShort(COLON_SP);
      ByteBufUtil.writeAscii(out, e.getValue());
      out.writeShort(CRLF);
    }
  }

  private static AsciiString framing(HeadLines lines, int i) {
    int len = lines.nameLength(i);
    if (len != 4 && len != 10 && len != 14 && len != 17) {
      return null;
    }
    for (AsciiString f : FRAMING) {
      if (lines.nameIs(i, f)) {
        return f;
      }
    }
    return null;
  }

  /**
   * Removes every header whose name matches, without making an entry per line: the predicate sees
   * each name through one reused view and must not keep it.
   */
  public void removeNamesIf(Predicate<CharSequence> match) {
    List<CharSequence> drop = null;
    if (raw != null) {
      NameCursor cursor = new NameCursor(raw);
      for (int i = 0, n = raw.count(); i < n; i++) {
        cursor.line = i;
        if (!lineChanged(i) && match.test(cursor)) {
          if (drop == null) {
            drop = new ArrayList<>(4);
          }
          drop.add(raw.nameView(i));
        }
      }
    }
    for (Iterator<Map.Entry<CharSequence, CharSequence>> it = overlay.iteratorCharSequence();
        it.hasNext(); ) {
      CharSequence name = it.next().getKey();
      if (match.test(name)) {
        if (drop == null) {
          drop = new ArrayList<>(4);
        }
        drop.add(name);
      }
    }
    if (drop != null) {
      drop.forEach(this::remove);
    }
  }

  /** One line's name, moved from line to line. */
  private static final class NameCursor implements CharSequence {
    private final HeadLines lines;
    private int line;

    NameCursor(HeadLines lines) {
      this.lines = lines;
    }

    @Override
    public int length() {
      return lines.nameLength(line);
    }

    @Override
    public char charAt(int index) {
      return (char) (lines.bytes()[lines.start(line) + index] & 0xff);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return lines.nameView(line).subSequence(start, end);
    }

    @Override
    public String toString() {
      return lines.name(line);
    }
  }

  // ---- reads

  @Override
  public String get(String name) {
    return get((CharSequence) name);
  }

  @Override
  public String get(CharSequence name) {
    if (readsLines(name)) {
      int i = raw.indexOf(name, 0);
      return i < 0 ? null : raw.value(i);
    }
    return overlay.get(name);
  }

  @Override
  public List<String> getAll(String name) {
    return getAll((CharSequence) name);
  }

  @Override
  public List<String> getAll(CharSequence name) {
    if (!readsLines(name)) {
      return overlay.getAll(name);
    }
    int i = raw.indexOf(name, 0);
    if (i < 0) {
      return Collections.emptyList();
    }
    List<String> values = new ArrayList<>(2);
    for (; i >= 0; i = raw.indexOf(name, i + 1)) {
      values.add(raw.value(i));
    }
    return values;
  }

  @Override
  public boolean contains(String name) {
    return contains((CharSequence) name);
  }

  @Override
  public boolean contains(CharSequence name) {
    return readsLines(name) ? raw.has(name) : overlay.contains(name);
  }

  @Override
  public Integer getInt(CharSequence name) {
    String v = get(name);
    if (v == null) {
      return null;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  @Override
  public int getInt(CharSequence name, int defaultValue) {
    Integer v = getInt(name);
    return v == null ? defaultValue : v;
  }

  @Override
  public Short getShort(CharSequence name) {
    String v = get(name);
    if (v == null) {
      return null;
    }
    try {
      return Short.parseShort(v);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  @Override
  public short getShort(CharSequence name, short defaultValue) {
    Short v = getShort(name);
    return v == null ? defaultValue : v;
  }

  @Override
  public Long getTimeMillis(CharSequence name) {
    String v = get(name);
    Date d = v == null ? null : DateFormatter.parseHttpDate(v);
    return d == null ? null : d.getTime();
  }

  @Override
  public long getTimeMillis(CharSequence name, long defaultValue) {
    Long v = getTimeMillis(name);
    return v == null ? defaultValue : v;
  }

  @Override
  public List<Map.Entry<String, String>> entries() {
    List<Map.Entry<String, String>> all = new ArrayList<>(size());
    iterator().forEachRemaining(all::add);
    return all;
  }

  @Override
  public Iterator<Map.Entry<String, String>> iterator() {
    return new Entries<>(
        (name, value) -> new SimpleImmutableEntry<>(name.toString(), value.toString()),
        overlay.iterator());
  }

  @Override
  public Iterator<Map.Entry<CharSequence, CharSequence>> iteratorCharSequence() {
    return new Entries<CharSequence>(SimpleImmutableEntry::new, overlay.iteratorCharSequence());
  }

  /** The unchanged lines in order, then the overlay's entries. Read-only. */
  private final class Entries<T> implements Iterator<Map.Entry<T, T>> {
    private final BiFunction<AsciiString, AsciiString, Map.Entry<T, T>> entry;
    private final Iterator<? extends Map.Entry<? extends T, ? extends T>> rest;
    private final HeadLines lines = raw;
    private int next = -1;

    Entries(
        BiFunction<AsciiString, AsciiString, Map.Entry<T, T>> entry,
        Iterator<? extends Map.Entry<? extends T, ? extends T>> rest) {
      this.entry = entry;
      this.rest = rest;
      advance();
    }

    private void advance() {
      next++;
      while (lines != null && next < lines.count() && lineChanged(next)) {
        next++;
      }
    }

    @Override
    public boolean hasNext() {
      return lines != null && next < lines.count() || rest.hasNext();
    }

    @Override
    public Map.Entry<T, T> next() {
      if (lines != null && next < lines.count()) {
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

  @Override
  public boolean isEmpty() {
    return size() == 0;
  }

  @Override
  public int size() {
    int n = overlay.size();
    if (raw != null) {
      for (int i = 0, lines = raw.count(); i < lines; i++) {
        if (!lineChanged(i)) {
          n++;
        }
      }
    }
    return n;
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

  // ---- changes

  @Override
  public HttpHeaders add(String name, Object value) {
    return add((CharSequence) name, value);
  }

  @Override
  public HttpHeaders add(CharSequence name, Object value) {
    change(name, true);
    overlay.add(name, value);
    return this;
  }

  @Override
  public HttpHeaders add(String name, Iterable<?> values) {
    return add((CharSequence) name, values);
  }

  @Override
  public HttpHeaders add(CharSequence name, Iterable<?> values) {
    change(name, true);
    overlay.add(name, values);
    return this;
  }

  @Override
  public HttpHeaders addInt(CharSequence name, int value) {
    change(name, true);
    overlay.addInt(name, value);
    return this;
  }

  @Override
  public HttpHeaders addShort(CharSequence name, short value) {
    change(name, true);
    overlay.addShort(name, value);
    return this;
  }

  @Override
  public HttpHeaders set(String name, Object value) {
    return set((CharSequence) name, value);
  }

  @Override
  public HttpHeaders set(CharSequence name, Object value) {
    change(name, false);
    overlay.set(name, value);
    return this;
  }

  @Override
  public HttpHeaders set(String name, Iterable<?> values) {
    return set((CharSequence) name, values);
  }

  @Override
  public HttpHeaders set(CharSequence name, Iterable<?> values) {
    change(name, false);
    overlay.set(name, values);
    return this;
  }

  @Override
  public HttpHeaders setInt(CharSequence name, int value) {
    change(name, false);
    overlay.setInt(name, value);
    return this;
  }

  @Override
  public HttpHeaders setShort(CharSequence name, short value) {
    change(name, false);
    overlay.setShort(name, value);
    return this;
  }

  @Override
  public HttpHeaders remove(String name) {
    return remove((CharSequence) name);
  }

  @Override
  public HttpHeaders remove(CharSequence name) {
    // Removing a name that is not there changes nothing: most hop-by-hop removals are of that kind.
    if (raw != null && changedIndex(name) < 0 && raw.has(name)) {
      change(name, false);
    }
    overlay.remove(name);
    return this;
  }

  @Override
  public HttpHeaders add(HttpHeaders headers) {
    materialize();
    overlay.add(headers);
    return this;
  }

  @Override
  public HttpHeaders set(HttpHeaders headers) {
    materialize();
    overlay.set(headers);
    return this;
  }

  @Override
  public HttpHeaders setAll(HttpHeaders headers) {
    materialize();
    overlay.setAll(headers);
    return this;
  }

  @Override
  public HttpHeaders clear() {
    raw = null;
    overlay.clear();
    return this;
  }
}
