package io.aralez.dataplane.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
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
public final class ForwardedHeaders extends NamedHeaders {
  private static final AsciiString[] FRAMING = {
    HttpHeaderNames.HOST,
    HttpHeaderNames.CONNECTION,
    HttpHeaderNames.CONTENT_LENGTH,
    HttpHeaderNames.TRANSFER_ENCODING
  };
  private static final long FRAMING_LENGTHS = HeadLines.lengthBits(FRAMING);
  private static final short COLON_SP = (':' << 8) | ' ';
  private static final short CRLF = ('\r' << 8) | '\n';

  private HeadLines raw;
  private DefaultHttpHeaders overlay = new DefaultHttpHeaders();
  private final ChangedNames changed = new ChangedNames();

  ForwardedHeaders(HeadLines raw) {
    this.raw = raw;
  }

  /**
   * Writes a head's header lines from the kept lines when {@code headers} has them.
   *
   * @return false when the encoder must write them itself (not read in place, or given up)
   */
  static boolean encodeKept(HttpHeaders headers, ByteBuf buf) {
    if (headers instanceof ForwardedHeaders forwarded && forwarded.raw != null) {
      forwarded.encode(buf);
      return true;
    }
    return false;
  }

  // ---- what is changed

  /** Whether reads of {@code name} go to the kept lines. */
  private boolean readsLines(CharSequence name) {
    return raw != null && !changed.contains(name);
  }

  /**
   * Moves {@code name} into the overlay before it changes; {@code keepValues} copies its current
   * values there first (for an add). When too many names changed, the lines are given up.
   */
  private void change(CharSequence name, boolean keepValues) {
    if (raw == null || changed.contains(name)) {
      return;
    }
    if (changed.isFull()) {
      materialize();
      return;
    }
    if (keepValues) {
      for (int i = raw.indexOf(name, 0); i >= 0; i = raw.indexOf(name, i + 1)) {
        overlay.add(raw.nameView(i), raw.valueView(i));
      }
    }
    changed.add(name);
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

  /** Whether line {@code i} has a changed name (its values are in the overlay). */
  private boolean lineChanged(int i) {
    return changed.hasLine(raw, i);
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
    if ((FRAMING_LENGTHS & (1L << (lines.nameLength(i) & 63))) == 0) {
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
      HeadLines.NameCursor cursor = raw.nameCursor();
      for (int i = 0, n = raw.count(); i < n; i++) {
        if (!lineChanged(i) && match.test(cursor.at(i))) {
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

  // ---- reads

  @Override
  public String get(CharSequence name) {
    if (readsLines(name)) {
      int i = raw.indexOf(name, 0);
      return i < 0 ? null : raw.value(i);
    }
    return overlay.get(name);
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
    int next = raw.indexOf(name, i + 1);
    if (next < 0) {
      // The usual case (Content-Length, Connection...): no list to grow.
      return Collections.singletonList(raw.value(i));
    }
    List<String> values = new ArrayList<>(4);
    values.add(raw.value(i));
    for (i = next; i >= 0; i = raw.indexOf(name, i + 1)) {
      values.add(raw.value(i));
    }
    return values;
  }

  /**
   * Read from the lines without making Strings: Netty's version lists every value first, and it
   * runs on each response head ({@code HttpUtil.isKeepAlive} asks for {@code Connection: close}).
   */
  @Override
  public boolean containsValue(CharSequence name, CharSequence value, boolean ignoreCase) {
    if (!readsLines(name)) {
      return overlay.containsValue(name, value, ignoreCase);
    }
    for (int i = raw.indexOf(name, 0); i >= 0; i = raw.indexOf(name, i + 1)) {
      if (raw.valueHasToken(i, value, ignoreCase)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean contains(CharSequence name) {
    return readsLines(name) ? raw.has(name) : overlay.contains(name);
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
        changed::hasLine,
        (name, value) -> new SimpleImmutableEntry<>(name.toString(), value.toString()),
        overlay.iterator());
  }

  @Override
  public Iterator<Map.Entry<CharSequence, CharSequence>> iteratorCharSequence() {
    return new KeptEntries<CharSequence>(
        raw, changed::hasLine, SimpleImmutableEntry::new, overlay.iteratorCharSequence());
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
  public HttpHeaders add(CharSequence name, Object value) {
    change(name, true);
    overlay.add(name, value);
    return this;
  }

  @Override
  public HttpHeaders add(CharSequence name, Iterable<?> values) {
    change(name, true);
    overlay.add(name, values);
    return this;
  }

  @Override
  public HttpHeaders set(CharSequence name, Object value) {
    change(name, false);
    overlay.set(name, value);
    return this;
  }

  @Override
  public HttpHeaders set(CharSequence name, Iterable<?> values) {
    change(name, false);
    overlay.set(name, values);
    return this;
  }

  @Override
  public HttpHeaders remove(CharSequence name) {
    if (raw != null) {
      if (raw.has(name)) {
        change(name, false);
      } else if (!changed.contains(name)) {
        // Neither a kept line nor a changed name, and the overlay holds only changed names: nothing
        // to remove, and no hash of the name (most hop-by-hop removals are of this kind).
        return this;
      }
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
