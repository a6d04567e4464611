package io.aralez.dataplane.aot;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One HTTP/2 connection over TLS written frame by frame, the way load generators drive a proxy: a
 * fixed number of streams kept in flight, frames read and skipped, and at the end the connection
 * reset (SO_LINGER 0) with its streams still open — the mass disconnect that, untrained,
 * deoptimises the proxy's TLS, flow-control and write paths all at once (bench/README.md). The
 * JDK's client cannot do that: it closes politely and keeps few connections.
 */
final class RawHttp2Client implements AutoCloseable {
  private static final byte[] PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final int DATA = 0x0;
  private static final int HEADERS = 0x1;
  private static final int RST_STREAM = 0x3;
  private static final int SETTINGS = 0x4;
  private static final int PING = 0x6;
  private static final int GOAWAY = 0x7;
  private static final int END_STREAM = 0x1;
  private static final int END_HEADERS = 0x4;
  private static final int ACK = 0x1;
  private static final int MAX_WINDOW = Integer.MAX_VALUE;

  private final SSLSocket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private final byte[] headerBlock;
  private int nextStream = 1;
  private int open;

  RawHttp2Client(SSLContext tls, String host, int port) throws IOException {
    Socket plain = new Socket(host, port);
    plain.setTcpNoDelay(true);
    plain.setSoTimeout(30_000);
    socket = (SSLSocket) tls.getSocketFactory().createSocket(plain, host, port, true);
    SSLParameters p = socket.getSSLParameters();
    p.setApplicationProtocols(new String[] {"h2"});
    socket.setSSLParameters(p);
    socket.startHandshake();
    if (!"h2".equals(socket.getApplicationProtocol())) {
      socket.close();
      throw new IOException("the proxy did not choose h2 by ALPN");
    }
    in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 16 * 1024));
    out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
    headerBlock = requestHeaders(host + ":" + port);
    out.write(PREFACE);
    // SETTINGS_INITIAL_WINDOW_SIZE as large as allowed, and the connection window with it: the
    // proxy is never held back by this client's flow control, as with h2load.
    frame(SETTINGS, 0, 0, new byte[] {0, 4, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff});
    frame(0x8, 0, 0, int32(MAX_WINDOW - 65_535));
    out.flush();
  }

  /**
   * Keeps {@code streams} requests in flight until {@code deadline} (nanoTime); returns the
   * responses completed. Stops early if the proxy ends the connection.
   */
  long run(int streams, long deadline) throws IOException {
    long done = 0;
    while (System.nanoTime() < deadline) {
      while (open < streams) {
        frame(HEADERS, END_HEADERS | END_STREAM, nextStream, headerBlock);
        nextStream += 2;
        open++;
      }
      out.flush();
      done += readFrames();
    }
    return done;
  }

  /**
   * Reads what is there (at least one frame), answering SETTINGS and PING; returns streams ended.
   */
  private int readFrames() throws IOException {
    int ended = 0;
    do {
      int length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
      int type = in.readUnsignedByte();
      int flags = in.readUnsignedByte();
      int stream = in.readInt() & MAX_WINDOW;
      byte[] payload = new byte[length];
      in.readFully(payload);
      if (type == SETTINGS && (flags & ACK) == 0) {
        frame(SETTINGS, ACK, 0, new byte[0]);
      } else if (type == PING && (flags & ACK) == 0) {
        frame(PING, ACK, 0, payload);
      } else if (type == GOAWAY) {
        throw new IOException("the proxy sent GOAWAY");
      } else if (stream != 0
          && (type == RST_STREAM
              || ((type == DATA || type == HEADERS) && (flags & END_STREAM) != 0))) {
        ended++;
        open--;
      }
    } while (in.available() > 0);
    return ended;
  }

  /** Resets the connection with whatever is in flight. */
  @Override
  public void close() {
    try {
      socket.setSoLinger(true, 0);
    } catch (IOException e) {
      // already gone
    }
    try {
      socket.close();
    } catch (IOException e) {
      // a reset connection has nothing left to report
    }
  }

  private void frame(int type, int flags, int stream, byte[] payload) throws IOException {
    out.write(payload.length >>> 16);
    out.write(payload.length >>> 8);
    out.write(payload.length);
    out.write(type);
    out.write(flags);
    out.write(int32(stream));
    out.write(payload);
  }

  /** GET / over https with an authority, in HPACK without indexing or Huffman. */
  private static byte[] requestHeaders(String authority) {
    byte[] a = authority.getBytes(StandardCharsets.US_ASCII);
    byte[] block = new byte[3 + 2 + a.length];
    block[0] = (byte) 0x82; // :method GET (static 2)
    block[1] = (byte) 0x87; // :scheme https (static 7)
    block[2] = (byte) 0x84; // :path / (static 4)
    block[3] = 0x01; // :authority, literal without indexing, name from static 1
    block[4] = (byte) a.length;
    System.arraycopy(a, 0, block, 5, a.length);
    return block;
  }

  private static byte[] int32(int v) {
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }
}
