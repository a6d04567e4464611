package io.aralez.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.dataplane.testing.EchoBackend;
import io.aralez.dataplane.testing.ProxyHarness;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 frames a client crafts by hand, written byte for byte on a plain socket (h2c with prior
 * knowledge), so nothing in a client library can tidy them up.
 */
class Http2AbuseIT {
  static final int HEADERS = 0x1;
  static final int RST_STREAM = 0x3;
  static final int SETTINGS = 0x4;
  static final int GOAWAY = 0x7;
  static final int WINDOW_UPDATE = 0x8;

  @TempDir static Path dir;
  static EchoBackend backend;
  static ProxyHarness proxy;

  @BeforeAll
  static void start() throws Exception {
    backend = new EchoBackend("h2");
    proxy =
        ProxyHarness.start(
            dir,
            "http2_max_resets_per_window: 50\nhttp2_reset_window_seconds: 60\n",
            "provider: file\nh2.test:\n  paths:\n    \"/\": {servers: [\""
                + backend.address()
                + "\"]}\n");
  }

  @AfterAll
  static void stop() {
    proxy.close();
    backend.close();
  }

  record Frame(int type, int flags, int stream, byte[] payload) {}

  /** A connection: the preface and an empty SETTINGS sent, frames read until EOF or quiet. */
  static final class Conn implements AutoCloseable {
    final Socket socket;
    final OutputStream out;
    final DataInputStream in;

    Conn() throws IOException {
      socket = new Socket("127.0.0.1", proxy.port());
      socket.setSoTimeout(5_000);
      out = socket.getOutputStream();
      in = new DataInputStream(socket.getInputStream());
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.write(frame(SETTINGS, 0, 0, new byte[0]));
      out.flush();
    }

    /** Frames until the server closes, or until none came for the socket timeout. */
    List<Frame> readAll(boolean expectClose) throws IOException {
      List<Frame> frames = new ArrayList<>();
      try {
        while (true) {
          int len = in.readUnsignedByte() << 16 | in.readUnsignedShort();
          int type = in.readUnsignedByte();
          int flags = in.readUnsignedByte();
          int stream = in.readInt() & 0x7fffffff;
          byte[] payload = new byte[len];
          in.readFully(payload);
          frames.add(new Frame(type, flags, stream, payload));
          if (type == SETTINGS && (flags & 1) == 0) {
            out.write(frame(SETTINGS, 1, 0, new byte[0]));
            out.flush();
          }
          if (!expectClose && frames.stream().anyMatch(f -> f.stream() != 0)) {
            return frames;
          }
        }
      } catch (EOFException | java.net.SocketException e) {
        return frames;
      } catch (SocketTimeoutException e) {
        assertThat(expectClose)
            .as(
                "the server should have closed the connection; got types %s",
                frames.stream()
                    .collect(
                        java.util.stream.Collectors.groupingBy(
                            f -> f.type(), java.util.stream.Collectors.counting())))
            .isFalse();
        return frames;
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  static byte[] frame(int type, int flags, int stream, byte[] payload) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(payload.length >>> 16);
    b.write(payload.length >>> 8);
    b.write(payload.length);
    b.write(type);
    b.write(flags);
    b.write(stream >>> 24);
    b.write(stream >>> 16);
    b.write(stream >>> 8);
    b.write(stream);
    b.writeBytes(payload);
    return b.toByteArray();
  }

  /** HPACK: a literal without indexing whose name is static-table entry {@code index}. */
  static void literal(ByteArrayOutputStream b, int index, String value) {
    b.write(index);
    b.write(value.length());
    b.writeBytes(value.getBytes(StandardCharsets.US_ASCII));
  }

  static byte[] block(boolean method, String scheme, String authority) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    if (method) {
      b.write(0x82); // :method GET
    }
    literal(b, 6, scheme); // :scheme
    b.write(0x84); // :path /
    literal(b, 1, authority); // :authority
    return b.toByteArray();
  }

  @Test
  void aStreamWithoutMethodIsReset() throws Exception {
    int before = backend.count();
    try (Conn c = new Conn()) {
      c.out.write(frame(HEADERS, 0x5, 1, block(false, "http", "h2.test")));
      c.out.flush();
      List<Frame> frames = c.readAll(false);
      assertThat(frames).anyMatch(f -> f.type() == RST_STREAM && f.stream() == 1);
    }
    assertThat(backend.count()).as("nothing reached the backend").isEqualTo(before);
  }

  @Test
  void aMalformedSchemeIs400AndNeverForwarded() throws Exception {
    int before = backend.count();
    try (Conn c = new Conn()) {
      c.out.write(frame(HEADERS, 0x5, 1, block(true, "javascript", "h2.test")));
      c.out.flush();
      List<Frame> frames = c.readAll(false);
      // 0x8c is HPACK's static entry ":status 400".
      assertThat(frames)
          .anyMatch(f -> f.type() == HEADERS && f.stream() == 1 && (f.payload()[0] & 0xff) == 0x8c);
    }
    assertThat(backend.count()).isEqualTo(before);
    // And a well-formed stream on the same route does reach it.
    try (Conn c = new Conn()) {
      c.out.write(frame(HEADERS, 0x5, 1, block(true, "http", "h2.test")));
      c.out.flush();
      List<Frame> frames = c.readAll(false);
      // 0x88 is ":status 200".
      assertThat(frames)
          .anyMatch(f -> f.type() == HEADERS && f.stream() == 1 && (f.payload()[0] & 0xff) == 0x88);
    }
  }

  /**
   * MadeYouReset: a client that makes the server reset stream after stream (here with a
   * WINDOW_UPDATE of 0, a stream error) gets GOAWAY(ENHANCE_YOUR_CALM) once the resets pass the
   * limit, instead of an unbounded stream of RST_STREAMs.
   */
  @Test
  void serverSentResetsAreBoundedLikeReceivedOnes() throws Exception {
    try (Conn c = new Conn()) {
      java.io.ByteArrayOutputStream burst = new java.io.ByteArrayOutputStream();
      for (int i = 0; i < 500; i++) {
        int stream = 2 * i + 1;
        burst.writeBytes(frame(HEADERS, 0x4, stream, block(true, "http", "h2.test")));
        burst.writeBytes(frame(WINDOW_UPDATE, 0, stream, new byte[] {0, 0, 0, 0}));
      }
      try {
        c.out.write(burst.toByteArray());
        c.out.flush();
      } catch (java.net.SocketException closedWhileWriting) {
        // The server may close before the whole burst is written: that is the point.
      }
      List<Frame> frames = c.readAll(true);
      long resets = frames.stream().filter(f -> f.type() == RST_STREAM).count();
      assertThat(resets).as("resets sent").isLessThan(500);
      assertThat(frames)
          .as("GOAWAY with ENHANCE_YOUR_CALM (0xb)")
          .anyMatch(
              f -> f.type() == GOAWAY && f.payload().length >= 8 && (f.payload()[7] & 0xff) == 0xb);
    }
  }
}
