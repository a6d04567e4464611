package io.aralez.dataplane.aot;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;

/**
 * The traffic of a training run, from the training driver's process: what a proxy meets in its
 * first minutes and a load generator's warm-up does not all show — HTTP/1.1 keep-alive, chunked
 * responses, a new connection per request, clients that reset their connection with a response on
 * the way, HTTP/1.1 and HTTP/2 over TLS, and HTTP/2 clients that go away with streams open. The
 * last two kinds are why the training exists: a JIT that never saw a failed write or a mass
 * disconnect compiles those branches as traps and recompiles on the proxy's core when they come.
 */
final class TrainingLoad {
  private static final long NANOS_PER_MS = 1_000_000L;

  private final String host = "127.0.0.1";
  private final int httpPort;
  private final int tlsPort;
  private final SSLContext tls;
  private final Map<String, AtomicLong> byKind = new LinkedHashMap<>();
  private final AtomicLong failed = new AtomicLong();

  TrainingLoad(int httpPort, int tlsPort, SSLContext tls) {
    this.httpPort = httpPort;
    this.tlsPort = tlsPort;
    this.tls = tls;
  }

  /** Responses read whole. */
  long answered() {
    return byKind.values().stream().mapToLong(AtomicLong::get).sum();
  }

  /** Responses by kind of traffic, e.g. "HTTP/1.1 keep-alive 1200, ...". */
  String summary() {
    StringBuilder sb = new StringBuilder();
    byKind.forEach(
        (k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
    return sb.toString();
  }

  /** The counter of one kind of traffic (made on the phase's thread before its workers start). */
  private AtomicLong kind(String name) {
    return byKind.computeIfAbsent(name, k -> new AtomicLong());
  }

  /** Requests that did not get a whole response (the resets are not counted: they mean to). */
  long failed() {
    return failed.get();
  }

  /** Runs the phases twice over {@code millis}, so the disconnects also follow compiled code. */
  void run(long millis) throws InterruptedException {
    long round = millis / 2;
    for (int r = 0; r < 2; r++) {
      keepAlive(24, (long) (round * 0.30), "/");
      keepAlive(8, (long) (round * 0.10), "/chunked");
      http2(6, 10, (long) (round * 0.10));
      http2Drops(24, 10, (long) (round * 0.20));
      https1(8, (long) (round * 0.10));
      newConnections(4, (long) (round * 0.10));
      resets(4, (long) (round * 0.10));
    }
  }

  /** HTTP/1.1 keep-alive: {@code conns} connections, one request at a time on each. */
  void keepAlive(int conns, long millis, String path) throws InterruptedException {
    byte[] req = request(path, false);
    AtomicLong answered =
        kind(path.equals("/chunked") ? "HTTP/1.1 chunked" : "HTTP/1.1 keep-alive");
    parallel(
        conns,
        millis,
        deadline -> {
          try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            InputStream in = new BufferedInputStream(s.getInputStream());
            while (System.nanoTime() < deadline) {
              out.write(req);
              out.flush();
              readResponse(in);
              answered.incrementAndGet();
            }
          }
        });
  }

  /** {@code Connection: close}: one connection per request, closed by the proxy. */
  void newConnections(int conns, long millis) throws InterruptedException {
    byte[] req = request("/", true);
    AtomicLong answered = kind("HTTP/1.1 new connection");
    parallel(
        conns,
        millis,
        deadline -> {
          while (System.nanoTime() < deadline) {
            try (Socket s = connect()) {
              s.getOutputStream().write(req);
              InputStream in = new BufferedInputStream(s.getInputStream());
              readResponse(in);
              answered.incrementAndGet();
            }
          }
        });
  }

  /**
   * Clients that send a few pipelined requests and reset the connection at once: the proxy's writes
   * fail and its upstream exchanges end early.
   */
  void resets(int conns, long millis) throws InterruptedException {
    byte[] req = request("/", false);
    byte[] three = new byte[req.length * 3];
    for (int i = 0; i < 3; i++) {
      System.arraycopy(req, 0, three, i * req.length, req.length);
    }
    parallel(
        conns,
        millis,
        deadline -> {
          while (System.nanoTime() < deadline) {
            Socket s = connect();
            s.setSoLinger(true, 0);
            s.getOutputStream().write(three);
            s.close();
          }
        });
  }

  /** HTTP/1.1 over TLS with the JDK's client, {@code conns} requests in flight. */
  void https1(int conns, long millis) throws InterruptedException {
    HttpClient client = tlsClient(HttpClient.Version.HTTP_1_1);
    inFlight(client, conns, millis, kind("HTTP/1.1 over TLS"));
    closeNow(client);
  }

  /**
   * HTTP/2 over TLS: {@code clients} connections with {@code streams} streams in flight each,
   * dropped at the end with streams still open.
   */
  void http2(int clients, int streams, long millis) throws InterruptedException {
    List<Thread> threads = new ArrayList<>();
    List<HttpClient> all = new ArrayList<>();
    AtomicLong answered = kind("HTTP/2 (JDK client)");
    for (int i = 0; i < clients; i++) {
      HttpClient c = tlsClient(HttpClient.Version.HTTP_2);
      all.add(c);
      threads.add(start(() -> inFlight(c, streams, millis, answered)));
    }
    for (Thread t : threads) {
      t.join();
    }
    for (HttpClient c : all) {
      closeNow(c);
    }
  }

  /**
   * HTTP/2 over TLS frame by frame ({@link RawHttp2Client}): {@code conns} connections with {@code
   * streams} streams each, all reset at once with streams open, every ~2 s for {@code millis}.
   */
  void http2Drops(int conns, int streams, long millis) throws InterruptedException {
    long end = System.nanoTime() + millis * NANOS_PER_MS;
    AtomicLong answered = kind("HTTP/2 reset with streams open");
    while (System.nanoTime() < end) {
      long burst = Math.max(1, Math.min(2_000, (end - System.nanoTime()) / NANOS_PER_MS));
      parallel(
          conns,
          burst,
          deadline -> {
            try (RawHttp2Client c = new RawHttp2Client(tls, host, tlsPort)) {
              answered.addAndGet(c.run(streams, deadline));
            }
          });
    }
  }

  private void inFlight(HttpClient client, int streams, long millis, AtomicLong answered) {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create("https://" + host + ":" + tlsPort + "/"))
            .timeout(Duration.ofSeconds(30))
            .build();
    Semaphore slots = new Semaphore(streams);
    long deadline = System.nanoTime() + millis * NANOS_PER_MS;
    try {
      while (System.nanoTime() < deadline) {
        if (!slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
          continue;
        }
        CompletableFuture<HttpResponse<byte[]>> f =
            client.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray());
        f.whenComplete(
            (res, err) -> {
              if (err == null && res.statusCode() == 200) {
                answered.incrementAndGet();
              } else {
                failed.incrementAndGet();
              }
              slots.release();
            });
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private HttpClient tlsClient(HttpClient.Version version) {
    return HttpClient.newBuilder()
        .version(version)
        .sslContext(tls)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  /**
   * Drops the client's connections with requests still on them ({@code shutdownNow}, Java 21+,
   * called by name because the code is built for Java 17; the training only runs on 25+).
   */
  private static void closeNow(HttpClient client) {
    try {
      HttpClient.class.getMethod("shutdownNow").invoke(client);
    } catch (ReflectiveOperationException e) {
      // An older JVM: the connections close when the client is collected.
    }
  }

  private interface Worker {
    void run(long deadline) throws IOException;
  }

  private void parallel(int threads, long millis, Worker work) throws InterruptedException {
    long deadline = System.nanoTime() + millis * NANOS_PER_MS;
    List<Thread> all = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      all.add(
          start(
              () -> {
                while (System.nanoTime() < deadline) {
                  try {
                    work.run(deadline);
                  } catch (IOException e) {
                    failed.incrementAndGet();
                  }
                }
              }));
    }
    for (Thread t : all) {
      t.join();
    }
  }

  private static Thread start(Runnable r) {
    Thread t = new Thread(r, "aot-training-load");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private Socket connect() throws IOException {
    Socket s = new Socket(host, httpPort);
    s.setTcpNoDelay(true);
    s.setSoTimeout(30_000);
    return s;
  }

  private byte[] request(String path, boolean close) {
    return ("GET "
            + path
            + " HTTP/1.1\r\nHost: training.local\r\nUser-Agent: aralez-aot-training\r\n"
            + "Accept: */*\r\n"
            + (close ? "Connection: close\r\n" : "")
            + "\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** Reads one response: its head, then a body framed by Content-Length or chunked coding. */
  static void readResponse(InputStream in) throws IOException {
    String status = line(in);
    if (!status.startsWith("HTTP/1.1 200")) {
      throw new IOException("unexpected status line: " + status);
    }
    long length = -1;
    boolean chunked = false;
    for (String h = line(in); !h.isEmpty(); h = line(in)) {
      int colon = h.indexOf(':');
      String name = colon < 0 ? h : h.substring(0, colon).trim();
      String value = colon < 0 ? "" : h.substring(colon + 1).trim();
      if (name.equalsIgnoreCase("content-length")) {
        length = Long.parseLong(value);
      } else if (name.equalsIgnoreCase("transfer-encoding")) {
        chunked = value.equalsIgnoreCase("chunked");
      }
    }
    if (chunked) {
      for (long size = Long.parseLong(line(in).trim(), 16); size > 0; ) {
        skip(in, size);
        line(in);
        size = Long.parseLong(line(in).trim(), 16);
      }
      while (!line(in).isEmpty()) {
        // trailers
      }
    } else if (length >= 0) {
      skip(in, length);
    } else {
      throw new IOException("a response without framing");
    }
  }

  private static void skip(InputStream in, long n) throws IOException {
    while (n > 0) {
      long s = in.skip(n);
      if (s <= 0) {
        if (in.read() < 0) {
          throw new IOException("the connection closed inside a body");
        }
        s = 1;
      }
      n -= s;
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("the connection closed inside a head");
      }
      if (c != '\r') {
        sb.append((char) c);
      }
    }
    return sb.toString();
  }
}
