package io.aralez.dataplane.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * Writes a head read in place ({@link ForwardedHeaders}) into an encoder's buffer: the start line
 * when it is plain ASCII, the remaining kept lines (runs copied as they came, framing lines in
 * canonical form), then the added fields. All of it is put together in one array per thread and
 * copied into the off-heap buffer once: each copy into it has a fixed cost well above that of a
 * head's bytes (one per run, field and start-line part showed as ~5% of the HTTP/1.1 path's user
 * time, bench/README.md, fifteenth session).
 *
 * <p>One per encoder, event loop only: the start line is held back by {@link #holdStartLine} and
 * written with the header lines by {@link #writeHeaders}, which Netty's encoder calls next.
 */
final class HeadWriter {
  private static final AsciiString[] FRAMING = {
    HttpHeaderNames.HOST,
    HttpHeaderNames.CONNECTION,
    HttpHeaderNames.CONTENT_LENGTH,
    HttpHeaderNames.TRANSFER_ENCODING
  };
  private static final long FRAMING_LENGTHS = HeadLines.lengthBits(FRAMING);
  private static final int SCRATCH_MAX = 8192;
  private static final FastThreadLocal<byte[]> SCRATCH =
      new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
          return new byte[512];
        }
      };

  private HttpMessage held;
  // The held start line's length with its CRLF, measured once when it was held.
  private int heldLength;
  // This thread's array, held here so that a head costs no thread-local look-up; an encoder stays
  // on its event loop. Another writer may replace the thread's array with a larger one meanwhile:
  // this one then goes on with its own until it needs more.
  private byte[] scratch;

  /**
   * Whether the encoder may leave {@code message}'s start line to {@link #writeHeaders}: it was
   * read in place and its start line is printable ASCII in origin form (anything else is Netty's to
   * write, as it always was).
   */
  boolean holdStartLine(HttpMessage message) {
    held = null;
    int length = message.headers() instanceof ForwardedHeaders ? startLineLength(message) : -1;
    if (length < 0) {
      return false;
    }
    held = message;
    heldLength = length;
    return true;
  }

  /**
   * Writes the header lines of {@code headers} (after the start line held back, if any).
   *
   * @return false when the encoder must write them itself (not read in place)
   */
  boolean writeHeaders(HttpHeaders headers, ByteBuf out) {
    HttpMessage start = held;
    held = null;
    if (!(headers instanceof ForwardedHeaders forwarded)) {
      return false;
    }
    HeadLines lines = forwarded.lines();
    AddedFields added = forwarded.added();
    byte[] bytes = lines.bytes();
    int n = lines.count();
    // A framing line written again can be one byte longer than it came ("Host:h" -> "host: h").
    int bound = bytes.length + n + (start == null ? 0 : heldLength);
    for (int i = 0, k = added.size(); i < k; i++) {
      bound += added.name(i).length() + added.value(i).length() + 4;
    }
    byte[] to = scratch(bound);
    int at = start == null ? 0 : startLine(start, to, 0);
    int runStart = -1;
    int runEnd = -1;
    for (int i = 0; i < n; i++) {
      boolean kept = !forwarded.dropped(i);
      AsciiString framing = kept ? framing(lines, i) : null;
      if (kept && framing == null) {
        if (runStart < 0) {
          runStart = lines.start(i);
        }
        runEnd = lines.end(i);
        continue;
      }
      if (runStart >= 0) {
        System.arraycopy(bytes, runStart, to, at, runEnd - runStart);
        at += runEnd - runStart;
        runStart = -1;
      }
      if (framing != null) {
        at = copy(framing, to, at);
        to[at++] = ':';
        to[at++] = ' ';
        int v = lines.valueStart(i);
        int length = lines.valueEnd(i) - v;
        System.arraycopy(bytes, v, to, at, length);
        at = crlf(to, at + length);
      }
    }
    if (runStart >= 0) {
      System.arraycopy(bytes, runStart, to, at, runEnd - runStart);
      at += runEnd - runStart;
    }
    // What the proxy added, in order: where Netty's encoder writes the names that were set (a set
    // moves a name to the end).
    for (int i = 0, k = added.size(); i < k; i++) {
      at = copy(added.name(i), to, at);
      to[at++] = ':';
      to[at++] = ' ';
      at = crlf(to, copy(added.value(i), to, at));
    }
    out.writeBytes(to, 0, at);
    return true;
  }

  /** The bytes of the start line with its CRLF, or -1 when it is not one written here. */
  private static int startLineLength(HttpMessage m) {
    String version = m.protocolVersion().text();
    if (m instanceof HttpRequest req) {
      String uri = req.uri();
      if (uri.isEmpty() || !(uri.charAt(0) == '/' || uri.equals("*")) || !printable(uri)) {
        // Empty or absolute-form targets get Netty's repairs; other bytes its encoding.
        return -1;
      }
      return req.method().asciiName().length() + uri.length() + version.length() + 4;
    }
    if (m instanceof HttpResponse res) {
      HttpResponseStatus status = res.status();
      String reason = status.reasonPhrase();
      if (!reason.isEmpty() && !printable(reason)) {
        return -1;
      }
      return version.length() + status.codeAsText().length() + reason.length() + 4;
    }
    return -1;
  }

  private static int startLine(HttpMessage m, byte[] to, int at) {
    if (m instanceof HttpRequest req) {
      at = copy(req.method().asciiName(), to, at);
      to[at++] = ' ';
      at = copy(req.uri(), to, at);
      to[at++] = ' ';
      at = copy(req.protocolVersion().text(), to, at);
    } else {
      HttpResponse res = (HttpResponse) m;
      at = copy(res.protocolVersion().text(), to, at);
      to[at++] = ' ';
      at = copy(res.status().codeAsText(), to, at);
      to[at++] = ' ';
      at = copy(res.status().reasonPhrase(), to, at);
    }
    return crlf(to, at);
  }

  /** Visible ASCII and spaces only. */
  private static boolean printable(String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  private static int crlf(byte[] to, int at) {
    to[at] = '\r';
    to[at + 1] = '\n';
    return at + 2;
  }

  /** This thread's array for a head of up to {@code length} bytes (a new one past 8 KiB). */
  private byte[] scratch(int length) {
    byte[] to = scratch;
    if (to != null && to.length >= length) {
      return to;
    }
    if (length > SCRATCH_MAX) {
      return new byte[length];
    }
    to = SCRATCH.get();
    if (to.length < length) {
      to = new byte[Math.max(length, Math.min(2 * to.length, SCRATCH_MAX))];
      SCRATCH.set(to);
    }
    scratch = to;
    return to;
  }

  /** Copies {@code s} as Netty's encoder writes a field (a char past Latin-1 as '?'). */
  private static int copy(CharSequence s, byte[] to, int at) {
    int n = s.length();
    if (s instanceof AsciiString ascii) {
      System.arraycopy(ascii.array(), ascii.arrayOffset(), to, at, n);
      return at + n;
    }
    for (int k = 0; k < n; k++) {
      char c = s.charAt(k);
      to[at + k] = c > 0xff ? (byte) '?' : (byte) c;
    }
    return at + n;
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
}
