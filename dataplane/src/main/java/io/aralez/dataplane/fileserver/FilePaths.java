package io.aralez.dataplane.fileserver;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Maps a request path to a file strictly inside the root. Percent-decoding is done once, strictly;
 * dot segments, hidden names, backslashes and NUL are refused before touching the disk, and the
 * real path (symlinks resolved) must still be inside the real root.
 */
final class FilePaths {
  /** The file to serve, or a status to answer, or a redirect to the folder with a slash. */
  record Resolved(Path file, HttpResponseStatus status, boolean redirectToSlash) {}

  private FilePaths() {}

  static Resolved resolve(Path realRoot, String rawPath) {
    if (rawPath.isEmpty() || rawPath.charAt(0) != '/') {
      return error(HttpResponseStatus.BAD_REQUEST);
    }
    String decoded = decode(rawPath);
    if (decoded == null || decoded.indexOf('\0') >= 0 || decoded.indexOf('\\') >= 0) {
      return error(HttpResponseStatus.BAD_REQUEST);
    }
    Path candidate = realRoot;
    for (String segment : decoded.split("/")) {
      if (segment.isEmpty()) {
        continue;
      }
      if (segment.startsWith(".") || segment.indexOf(';') >= 0) {
        // "..", ".", and hidden files such as .git or .env are never served.
        return error(HttpResponseStatus.NOT_FOUND);
      }
      candidate = candidate.resolve(segment);
    }
    candidate = candidate.normalize();
    if (!candidate.startsWith(realRoot)) {
      return error(HttpResponseStatus.NOT_FOUND);
    }
    Path real;
    try {
      real = candidate.toRealPath();
    } catch (IOException e) {
      return error(HttpResponseStatus.NOT_FOUND);
    }
    if (!real.startsWith(realRoot)) {
      return error(HttpResponseStatus.NOT_FOUND);
    }
    if (Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
      if (!rawPath.endsWith("/")) {
        return new Resolved(null, null, true);
      }
      Path index = real.resolve("index.html");
      try {
        Path realIndex = index.toRealPath();
        if (!realIndex.startsWith(realRoot)
            || !Files.isRegularFile(realIndex, LinkOption.NOFOLLOW_LINKS)) {
          return error(HttpResponseStatus.NOT_FOUND);
        }
        return new Resolved(realIndex, null, false);
      } catch (IOException e) {
        return error(HttpResponseStatus.NOT_FOUND);
      }
    }
    return new Resolved(real, null, false);
  }

  private static Resolved error(HttpResponseStatus status) {
    return new Resolved(null, status, false);
  }

  /** Strict UTF-8 percent-decoding; '+' stays '+'. Null on a malformed escape or bad UTF-8. */
  static String decode(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          return null;
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        out.write(hi * 16 + lo);
        i += 2;
      } else if (c < 0x80) {
        out.write(c);
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(out.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
