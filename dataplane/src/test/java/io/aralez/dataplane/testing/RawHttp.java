package io.aralez.dataplane.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Raw bytes over a socket, for requests no well-behaved client would send. */
public final class RawHttp implements AutoCloseable {
  private final Socket socket;

  public RawHttp(int port) throws IOException {
    socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout(10_000);
  }

  public RawHttp send(String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
    return this;
  }

  /** Reads until the peer closes or {@code idleMillis} pass without data. */
  public String readAll(int idleMillis) throws IOException {
    socket.setSoTimeout(idleMillis);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    byte[] buf = new byte[8192];
    try {
      int n;
      while ((n = in.read(buf)) > 0) {
        out.write(buf, 0, n);
      }
    } catch (SocketTimeoutException e) {
      // idle: return what arrived
    } catch (IOException e) {
      // reset by peer after its answer: return what arrived
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  /**
   * Reads one whole response (its head, then a Content-Length or chunked body) and returns as soon
   * as it is complete, so a test's timing does not include waiting for silence; gives up after
   * {@code maxMillis} (generous: under load a response may be slow, and that is not what is
   * tested).
   */
  public String readResponse(int maxMillis) throws IOException {
    long deadline = System.nanoTime() + maxMillis * 1_000_000L;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    while (!complete(out.toString(StandardCharsets.ISO_8859_1))) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        break;
      }
      socket.setSoTimeout((int) Math.max(1, left));
      int b;
      try {
        b = in.read();
      } catch (SocketTimeoutException e) {
        break;
      }
      if (b < 0) {
        break;
      }
      out.write(b);
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  private static boolean complete(String text) {
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      return false;
    }
    String head = text.substring(0, end).toLowerCase(java.util.Locale.ROOT);
    String body = text.substring(end + 4);
    java.util.regex.Matcher length =
        java.util.regex.Pattern.compile("\r\ncontent-length: *(\\d+)").matcher(head);
    if (length.find()) {
      return body.length() >= Integer.parseInt(length.group(1));
    }
    if (head.contains("\r\ntransfer-encoding: chunked")) {
      return body.endsWith("0\r\n\r\n");
    }
    return true;
  }

  /** True when the peer closed the connection (reads EOF within the timeout). */
  public boolean closedByPeer(int millis) throws IOException {
    socket.setSoTimeout(millis);
    try {
      return socket.getInputStream().read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
