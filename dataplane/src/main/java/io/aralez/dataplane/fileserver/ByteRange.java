package io.aralez.dataplane.fileserver;

/**
 * One satisfiable byte range of a file, parsed from a Range header (RFC 9110 §14.1.2). Only a
 * single range is served; several ranges are answered with the whole file, which the RFC allows.
 */
record ByteRange(long start, long end) {
  /** Marks a Range header that cannot be satisfied (416). */
  static final ByteRange UNSATISFIABLE = new ByteRange(-1, -1);

  long length() {
    return end - start + 1;
  }

  /**
   * Returns the range, null to serve the whole file (no usable Range), or {@link #UNSATISFIABLE}.
   */
  static ByteRange parse(String header, long size) {
    if (header == null) {
      return null;
    }
    String h = header.trim();
    if (!h.regionMatches(true, 0, "bytes=", 0, 6)) {
      return null;
    }
    String spec = h.substring(6).trim();
    if (spec.indexOf(',') >= 0) {
      return null;
    }
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return null;
    }
    String first = spec.substring(0, dash).trim();
    String last = spec.substring(dash + 1).trim();
    try {
      if (first.isEmpty()) {
        if (last.isEmpty()) {
          return null;
        }
        long suffix = Long.parseLong(last);
        if (suffix <= 0 || size == 0) {
          return UNSATISFIABLE;
        }
        return new ByteRange(Math.max(0, size - suffix), size - 1);
      }
      long start = Long.parseLong(first);
      long end = last.isEmpty() ? size - 1 : Math.min(Long.parseLong(last), size - 1);
      if (start < 0 || (!last.isEmpty() && Long.parseLong(last) < start)) {
        return null;
      }
      if (start >= size) {
        return UNSATISFIABLE;
      }
      return new ByteRange(start, end);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
