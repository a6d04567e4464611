package io.aralez.dataplane.http;

import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Date;
import java.util.List;

/**
 * The parts of {@link HttpHeaders} that follow from a few primitives: every {@code String} overload
 * goes to its {@code CharSequence} twin, and the typed getters and setters read and write text, so
 * a subclass implements each operation once.
 */
abstract class NamedHeaders extends HttpHeaders {
  @Override
  public abstract String get(CharSequence name);

  @Override
  public abstract List<String> getAll(CharSequence name);

  @Override
  public abstract boolean contains(CharSequence name);

  @Override
  public abstract HttpHeaders add(CharSequence name, Object value);

  @Override
  public abstract HttpHeaders add(CharSequence name, Iterable<?> values);

  @Override
  public abstract HttpHeaders set(CharSequence name, Object value);

  @Override
  public abstract HttpHeaders set(CharSequence name, Iterable<?> values);

  @Override
  public abstract HttpHeaders remove(CharSequence name);

  @Override
  public final String get(String name) {
    return get((CharSequence) name);
  }

  @Override
  public final List<String> getAll(String name) {
    return getAll((CharSequence) name);
  }

  @Override
  public final boolean contains(String name) {
    return contains((CharSequence) name);
  }

  @Override
  public final HttpHeaders add(String name, Object value) {
    return add((CharSequence) name, value);
  }

  @Override
  public final HttpHeaders add(String name, Iterable<?> values) {
    return add((CharSequence) name, values);
  }

  @Override
  public final HttpHeaders set(String name, Object value) {
    return set((CharSequence) name, value);
  }

  @Override
  public final HttpHeaders set(String name, Iterable<?> values) {
    return set((CharSequence) name, values);
  }

  @Override
  public final HttpHeaders remove(String name) {
    return remove((CharSequence) name);
  }

  @Override
  public final HttpHeaders addInt(CharSequence name, int value) {
    return add(name, Integer.toString(value));
  }

  @Override
  public final HttpHeaders addShort(CharSequence name, short value) {
    return add(name, Short.toString(value));
  }

  @Override
  public final HttpHeaders setInt(CharSequence name, int value) {
    return set(name, Integer.toString(value));
  }

  @Override
  public final HttpHeaders setShort(CharSequence name, short value) {
    return set(name, Short.toString(value));
  }

  @Override
  public final Integer getInt(CharSequence name) {
    String v = get(name);
    try {
      return v == null ? null : Integer.parseInt(v);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  @Override
  public final int getInt(CharSequence name, int defaultValue) {
    Integer v = getInt(name);
    return v == null ? defaultValue : v;
  }

  @Override
  public final Short getShort(CharSequence name) {
    String v = get(name);
    try {
      return v == null ? null : Short.parseShort(v);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  @Override
  public final short getShort(CharSequence name, short defaultValue) {
    Short v = getShort(name);
    return v == null ? defaultValue : v;
  }

  @Override
  public final Long getTimeMillis(CharSequence name) {
    String v = get(name);
    Date d = v == null ? null : DateFormatter.parseHttpDate(v);
    return d == null ? null : d.getTime();
  }

  @Override
  public final long getTimeMillis(CharSequence name, long defaultValue) {
    Long v = getTimeMillis(name);
    return v == null ? defaultValue : v;
  }
}
