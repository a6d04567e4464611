package io.aralez.dataplane.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP/1.1 server (the JDK's) used as a backend. It answers every request with a text body
 * describing what it received ({@code name}, method, raw URI, headers, body size), and records each
 * request for assertions. Special paths: {@code /status/NNN} answers that status, {@code /chunked}
 * answers a chunked body, {@code /sleep/MS} waits before answering, {@code /big/N} answers N bytes,
 * {@code /cookie} sets a cookie.
 */
public final class EchoBackend implements AutoCloseable {
  /** One received request. */
  public record Seen(String method, String uri, Map<String, List<String>> headers, long bodyBytes) {
    public String header(String name) {
      for (var e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return String.join(",", e.getValue());
        }
      }
      return null;
    }
  }

  private final String name;
  private final HttpServer server;
  private final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
  private final AtomicInteger count = new AtomicInteger();
  private final AtomicInteger probes = new AtomicInteger();
  private volatile int probeStatus = 200;

  public EchoBackend(String name) throws IOException {
    this(name, 0, null);
  }

  /**
   * @param port 0 for any free port
   * @param tls when given, the backend speaks HTTPS (HTTP/1.1 over TLS) with this context
   */
  public EchoBackend(String name, int port, javax.net.ssl.SSLContext tls) throws IOException {
    this.name = name;
    InetSocketAddress bind = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    if (tls != null) {
      com.sun.net.httpserver.HttpsServer https =
          com.sun.net.httpserver.HttpsServer.create(bind, 1024);
      https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls));
      server = https;
    } else {
      server = HttpServer.create(bind, 1024);
    }
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", this::handle);
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public String address() {
    return "127.0.0.1:" + port();
  }

  public List<Seen> seen() {
    return List.copyOf(seen);
  }

  public Seen last() {
    Seen last = null;
    for (Seen s : seen) {
      last = s;
    }
    return last;
  }

  /** Requests proxied to this backend (health probes excluded). */
  public int count() {
    return count.get();
  }

  public int probes() {
    return probes.get();
  }

  /** The status health probes get from now on. */
  public void probeStatus(int status) {
    probeStatus = status;
  }

  private void handle(HttpExchange ex) throws IOException {
    long body = 0;
    try (InputStream in = ex.getRequestBody()) {
      byte[] buf = new byte[64 * 1024];
      int n;
      while ((n = in.read(buf)) > 0) {
        body += n;
      }
    }
    String uri = ex.getRequestURI().getRawPath();
    if (ex.getRequestURI().getRawQuery() != null) {
      uri += "?" + ex.getRequestURI().getRawQuery();
    }
    if ("aralez-health".equals(ex.getRequestHeaders().getFirst("User-Agent"))) {
      // Health probes are counted apart so tests can assert on proxied traffic alone.
      probes.incrementAndGet();
    } else {
      seen.add(new Seen(ex.getRequestMethod(), uri, Map.copyOf(ex.getRequestHeaders()), body));
      count.incrementAndGet();
    }
    String path = ex.getRequestURI().getPath();
    int status = 200;
    if ("aralez-health".equals(ex.getRequestHeaders().getFirst("User-Agent"))) {
      status = probeStatus;
    } else if (path.startsWith("/status/")) {
      status = Integer.parseInt(path.substring("/status/".length()));
    }
    if (path.startsWith("/sleep/")) {
      try {
        Thread.sleep(Long.parseLong(path.substring("/sleep/".length())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (path.equals("/cookie")) {
      ex.getResponseHeaders().add("Set-Cookie", "session=abc; Path=/");
    }
    ex.getResponseHeaders().add("X-Backend", name);
    if (path.startsWith("/echo-header/")) {
      // A response field the client chooses: HPACK tests need fields that differ per response.
      ex.getResponseHeaders().add("X-Echo", path.substring("/echo-header/".length()));
    }
    if (path.startsWith("/big/")) {
      long size = Long.parseLong(path.substring("/big/".length()));
      ex.sendResponseHeaders(200, size);
      try (OutputStream out = ex.getResponseBody()) {
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'x');
        long left = size;
        while (left > 0) {
          int n = (int) Math.min(chunk.length, left);
          out.write(chunk, 0, n);
          left -= n;
        }
      }
      return;
    }
    String text =
        "backend="
            + name
            + "\nmethod="
            + ex.getRequestMethod()
            + "\nuri="
            + uri
            + "\nbody="
            + body
            + "\n";
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    boolean noBody = ex.getRequestMethod().equals("HEAD") || status == 204 || status == 304;
    if (path.equals("/chunked")) {
      ex.sendResponseHeaders(status, 0);
    } else {
      ex.sendResponseHeaders(status, noBody ? -1 : bytes.length);
    }
    try (OutputStream out = ex.getResponseBody()) {
      if (!noBody) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
