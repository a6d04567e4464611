package io.aralez.dataplane.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/** A backend that speaks raw bytes, to act out failures a real server would not. */
public final class RawBackend implements AutoCloseable {
  /** What to do on one accepted connection (index counts connections from 0). */
  public interface Script {
    void run(Socket socket, int index) throws IOException, InterruptedException;
  }

  private final ServerSocket server;
  private final AtomicInteger connections = new AtomicInteger();
  private final Thread acceptor;

  public RawBackend(Script script) throws IOException {
    server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    acceptor =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try {
                  Socket s = server.accept();
                  int index = connections.getAndIncrement();
                  Thread t =
                      new Thread(
                          () -> {
                            try (s) {
                              script.run(s, index);
                            } catch (Exception e) {
                              // the script decides when to drop the connection
                            }
                          });
                  t.setDaemon(true);
                  t.start();
                } catch (IOException e) {
                  return;
                }
              }
            });
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public String address() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  public int connections() {
    return connections.get();
  }

  /** Reads one request head (up to the blank line). */
  public static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int state = 0;
    int b;
    while ((b = in.read()) >= 0) {
      out.write(b);
      state = (b == '\r' || b == '\n') ? state + 1 : 0;
      if (state == 4) {
        break;
      }
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  public static void write(Socket s, String text) throws IOException {
    s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    s.getOutputStream().flush();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
