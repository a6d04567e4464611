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
import org.junit.jupiter.api.Tag;
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
  static final int PING = 0x6;
  static final int CONTINUATION = 0x9;

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
      this(new byte[0]);
    }

    /** With the client's own SETTINGS payload (6-byte id/value pairs). */
    Conn(byte[] settings) throws IOException {
      socket = new Socket("127.0.0.1", proxy.port());
      socket.setSoTimeout(5_000);
      out = socket.getOutputStream();
      in = new DataInputStream(socket.getInputStream());
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.write(frame(SETTINGS, 0, 0, settings));
      out.flush();
    }

    /** The next frame; a SETTINGS frame is acknowledged. */
    Frame read() throws IOException {
      int len = in.readUnsignedByte() << 16 | in.readUnsignedShort();
      int type = in.readUnsignedByte();
      int flags = in.readUnsignedByte();
      int id = in.readInt() & 0x7fffffff;
      byte[] payload = new byte[len];
      in.readFully(payload);
      if (type == SETTINGS && (flags & 1) == 0) {
        out.write(frame(SETTINGS, 1, 0, new byte[0]));
        out.flush();
      }
      return new Frame(type, flags, id, payload);
    }

    /** Frames until {@code stream} ends (END_STREAM on it). */
    List<Frame> untilEnd(int stream) throws IOException {
      List<Frame> frames = new ArrayList<>();
      while (true) {
        Frame f = read();
        frames.add(f);
        if (f.stream() == stream
            && (f.type() == HEADERS || f.type() == 0)
            && (f.flags() & 1) != 0) {
          return frames;
        }
        assertThat(f.type())
            .as("stream %d reset or connection closed", stream)
            .isNotIn(RST_STREAM, GOAWAY);
      }
    }

    /** Frames until the server closes, or until none came for the socket timeout. */
    List<Frame> readAll(boolean expectClose) throws IOException {
      List<Frame> frames = new ArrayList<>();
      try {
        while (true) {
          frames.add(read());
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
  @Tag("catalogue-2.2")
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
  @Tag("catalogue-2.2")
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
  @Tag("catalogue-2.5")
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
      // The server closes while the burst is still arriving, so its kernel may answer with a TCP
      // reset that discards the GOAWAY before this client reads it (seen on a loaded machine): the
      // bound above is the guarantee; a GOAWAY that does arrive must say ENHANCE_YOUR_CALM.
      assertThat(frames)
          .filteredOn(f -> f.type() == GOAWAY)
          .allMatch(f -> f.payload().length >= 8 && (f.payload()[7] & 0xff) == 0xb);
    }
  }

  /**
   * A client that announces a 1 GiB HPACK table does not make the proxy keep every response field
   * it ever sent on the connection (which a client could grow with responses whose fields differ:
   * dates, cookies, ids): 100 responses each carry a different 200-byte field, then the first one's
   * value comes back. An encoder keeping all of them would send it as a one-byte index; Netty's
   * keeps its table to 1 KiB whatever the peer allows (RFC 7541 §4.2 lets an encoder use less), so
   * the value was evicted long ago and goes out in full again. This holds a property we rely on
   * from Netty, not code of ours.
   */
  @Test
  @Tag("catalogue-2.5")
  void aHugeAnnouncedHpackTableIsNotFilled() throws Exception {
    byte[] settings = {0, 1, 0x40, 0, 0, 0}; // SETTINGS_HEADER_TABLE_SIZE = 2^30
    try (Conn c = new Conn(settings)) {
      int fresh = 0;
      int stream = 1;
      for (int i = 0; i <= 100; i++, stream += 2) {
        String value = i == 100 ? echo(0) : echo(i);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x82); // :method GET
        b.write(0x86); // :scheme http
        String path = "/echo-header/" + value;
        b.write(0x04); // literal without indexing, name :path
        hpackInt(b, 0, 7, path.length());
        b.writeBytes(path.getBytes(StandardCharsets.US_ASCII));
        literal(b, 1, "h2.test");
        c.out.write(frame(HEADERS, 0x5, stream, b.toByteArray()));
        c.out.flush();
        int block =
            c.untilEnd(stream).stream()
                .filter(f -> f.type() == HEADERS)
                .mapToInt(f -> f.payload().length)
                .sum();
        if (i == 99) {
          fresh = block;
        }
        if (i == 100) {
          // Other fields (a new Date) can move either block by a few dozen bytes; a kept value
          // would make this one ~200 bytes smaller.
          assertThat(block).as("the first value again, after 99 others").isGreaterThan(fresh - 100);
        }
      }
    }
  }

  /** 200 bytes that differ from one {@code i} to the next. */
  private static String echo(int i) {
    return String.format("v%03d-", i).repeat(40);
  }

  /** HPACK integer with an N-bit prefix, the prefix's other bits set from {@code flags}. */
  static void hpackInt(ByteArrayOutputStream b, int flags, int prefixBits, int value) {
    int max = (1 << prefixBits) - 1;
    if (value < max) {
      b.write(flags | value);
      return;
    }
    b.write(flags | max);
    value -= max;
    while (value >= 128) {
      b.write(value % 128 + 128);
      value /= 128;
    }
    b.write(value);
  }

  /** HPACK: a literal with a new name; {@code index} adds it to the dynamic table. */
  static void newName(ByteArrayOutputStream b, String name, String value, boolean index) {
    b.write(index ? 0x40 : 0x00);
    hpackInt(b, 0, 7, name.length());
    b.writeBytes(name.getBytes(StandardCharsets.ISO_8859_1));
    hpackInt(b, 0, 7, value.length());
    b.writeBytes(value.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Sends one stream's headers and tells whether it was refused (reset, 400, or closed). */
  static boolean refused(byte[] headerBlock) throws IOException {
    try (Conn c = new Conn()) {
      c.out.write(frame(HEADERS, 0x5, 1, headerBlock));
      c.out.flush();
      List<Frame> frames = c.readAll(false);
      boolean ok =
          frames.stream()
              .anyMatch(
                  f -> f.type() == HEADERS && f.stream() == 1 && (f.payload()[0] & 0xff) == 0x88);
      return !ok;
    }
  }

  /**
   * H2-V2 to V4: what an HTTP/1.1 backend could read differently from us never reaches it:
   * connection-specific headers, upper-case names, control characters in values, bad or unknown
   * pseudo-headers.
   */
  @Test
  @Tag("catalogue-2.2")
  void headersThatCouldDesyncAnHttp1BackendAreRefused() throws Exception {
    java.util.Map<String, byte[]> cases = new java.util.LinkedHashMap<>();
    String[][] regular = {
      {"X-Upper", "1"},
      {"connection", "keep-alive"},
      {"keep-alive", "timeout=5"},
      {"proxy-connection", "keep-alive"},
      {"transfer-encoding", "chunked"},
      {"upgrade", "h2c"},
      {"te", "gzip"},
      {"x-crlf", "a\r\nx-injected: 1"},
      {"x-nul", "a\u0000b"},
      {":foo", "bar"},
    };
    for (String[] h : regular) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      b.writeBytes(block(true, "http", "h2.test"));
      newName(b, h[0], h[1], false);
      cases.put(h[0] + ": " + h[1].replace("\r", "\\r").replace("\n", "\\n"), b.toByteArray());
    }
    for (String authority :
        new String[] {"a b.test", "h2.test/x", "user@h2.test", "h2.test:99999"}) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      b.writeBytes(block(true, "http", authority));
      cases.put(":authority '" + authority + "'", b.toByteArray());
    }
    for (String path : new String[] {"", "hello-world", "/ HTTP/1.1\r\nHost: x"}) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      b.write(0x82); // :method GET
      b.write(0x86); // :scheme http
      literal(b, 4, path); // :path
      literal(b, 1, "h2.test");
      cases.put(":path '" + path.replace("\r\n", "CRLF") + "'", b.toByteArray());
    }
    int before = backend.count();
    for (var e : cases.entrySet()) {
      assertThat(refused(e.getValue())).as(e.getKey()).isTrue();
    }
    assertThat(backend.count()).as("nothing reached the backend").isEqualTo(before);
    assertThat(refused(block(true, "http", "h2.test"))).as("the plain stream").isFalse();
  }

  /**
   * H2-03: a header block that never ends, in 16 KiB CONTINUATION frames or in empty ones, closes
   * the connection instead of growing memory or spinning.
   */
  @Test
  @Tag("catalogue-2.5")
  void continuationFloodsCloseTheConnection() throws Exception {
    int before = backend.count();
    for (int size : new int[] {16 * 1024, 0}) {
      try (Conn c = new Conn()) {
        ByteArrayOutputStream start = new ByteArrayOutputStream();
        start.writeBytes(block(true, "http", "h2.test"));
        c.out.write(frame(HEADERS, 0x1, 1, start.toByteArray())); // END_STREAM, no END_HEADERS
        byte[] payload = new byte[size];
        // Each 16 KiB piece is the middle of one long literal value: 'a's.
        java.util.Arrays.fill(payload, (byte) 'a');
        byte[] cont = frame(CONTINUATION, 0, 1, payload);
        Thread writer =
            new Thread(
                () -> {
                  try {
                    for (int i = 0; i < 100_000; i++) {
                      c.out.write(cont);
                    }
                    c.out.flush();
                  } catch (IOException closed) {
                    // the server closed: expected
                  }
                });
        writer.setDaemon(true);
        writer.start();
        List<Frame> frames = c.readAll(true);
        assertThat(frames).as("size %d", size).noneMatch(f -> f.type() == HEADERS);
      }
    }
    assertThat(backend.count()).isEqualTo(before);
  }

  /**
   * H2-04: a 4 KiB field put into the dynamic table once and then referenced with one byte, over
   * and over, is refused once the decoded list passes the header-list limit; it never reaches the
   * backend as a huge request.
   */
  @Test
  @Tag("catalogue-2.5")
  void anHpackBombIsRefused() throws Exception {
    int before = backend.count();
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(block(true, "http", "h2.test"));
    newName(b, "x-bomb", "b".repeat(4000), true);
    for (int i = 0; i < 4000; i++) {
      b.write(0x80 | 62); // the newest dynamic-table entry: x-bomb again
    }
    byte[] blockBytes = b.toByteArray();
    try (Conn c = new Conn()) {
      // Split into frames within the default 16 KiB frame size.
      int off = 0;
      while (off < blockBytes.length) {
        int n = Math.min(16_384, blockBytes.length - off);
        byte[] piece = java.util.Arrays.copyOfRange(blockBytes, off, off + n);
        boolean first = off == 0;
        boolean last = off + n == blockBytes.length;
        c.out.write(
            frame(first ? HEADERS : CONTINUATION, (first ? 0x1 : 0) | (last ? 0x4 : 0), 1, piece));
        off += n;
      }
      c.out.flush();
      List<Frame> frames = c.readAll(false);
      assertThat(frames)
          .noneMatch(
              f -> f.type() == HEADERS && f.stream() == 1 && (f.payload()[0] & 0xff) == 0x88);
    } catch (java.net.SocketException closed) {
      // closing the connection is a refusal too
    }
    assertThat(backend.count()).isEqualTo(before);
  }

  /**
   * H2-08: a client that sends PINGs and never reads the acknowledgements cannot make the server
   * buffer them: past what the kernel's socket buffers hold, either the connection is cut (Netty's
   * limit of 10,000 queued control frames) or the server stops reading the client. Two million
   * PINGs (34 MB of acknowledgements) are far more than loopback buffers take.
   */
  @Test
  @Tag("catalogue-2.5")
  void aPingFloodFromAClientThatNeverReadsIsCutOffOrHeldBack() throws Exception {
    controlFrameFlood(PING);
  }

  /** The same with empty SETTINGS frames, each of which the server must acknowledge. */
  @Test
  @Tag("catalogue-2.5")
  void aSettingsFloodFromAClientThatNeverReadsIsCutOffOrHeldBack() throws Exception {
    controlFrameFlood(SETTINGS);
  }

  private static void controlFrameFlood(int type) throws Exception {
    try (Socket s = new Socket()) {
      s.setReceiveBufferSize(4096);
      s.connect(new java.net.InetSocketAddress("127.0.0.1", proxy.port()));
      OutputStream out = s.getOutputStream();
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.write(frame(SETTINGS, 0, 0, new byte[0]));
      ByteArrayOutputStream many = new ByteArrayOutputStream();
      for (int i = 0; i < 1000; i++) {
        many.writeBytes(frame(type, 0, 0, type == PING ? new byte[8] : new byte[0]));
      }
      byte[] burst = many.toByteArray();
      java.util.concurrent.atomic.AtomicInteger bursts =
          new java.util.concurrent.atomic.AtomicInteger();
      java.util.concurrent.atomic.AtomicBoolean cut =
          new java.util.concurrent.atomic.AtomicBoolean();
      Thread writer =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < 2000; i++) {
                    out.write(burst);
                    bursts.incrementAndGet();
                  }
                  out.flush();
                } catch (IOException closed) {
                  cut.set(true);
                }
              });
      writer.setDaemon(true);
      writer.start();
      // Wait until the writer finishes, is cut off, or makes no progress for 5 s (held back).
      int last = -1;
      while (writer.isAlive()) {
        int now = bursts.get();
        if (now == last) {
          break;
        }
        last = now;
        writer.join(5_000);
      }
      boolean heldBack = writer.isAlive();
      assertThat(cut.get() || heldBack)
          .as(
              "all %d frames were taken while nobody read the acknowledgements",
              bursts.get() * 1000)
          .isTrue();
    }
  }
}
