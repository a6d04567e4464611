package io.aralez.dataplane.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Consul agent's HTTP API as far as Aralez uses it, written from Consul's documentation (there is
 * no Consul to run here): {@code /v1/catalog/services} with the {@code "tag" in ServiceTags}
 * filter, {@code /v1/health/service/<name>} with {@code ?passing}, blocking queries ({@code index},
 * {@code wait} capped at 10 minutes, up to wait/16 of jitter, {@code X-Consul-Index} on every
 * answer, answering at once when the index is behind), ACL tokens from {@code X-Consul-Token} (403
 * "ACL not found" otherwise). Faults can be switched on: 500s, garbage bodies, an index that goes
 * backwards or is 0.
 */
public final class FakeConsul implements AutoCloseable {
  private static final Pattern IN_TAGS = Pattern.compile("\"([^\"]*)\"\\s+in\\s+ServiceTags");

  /** Faults a test can switch on. */
  public enum Fault {
    NONE,
    SERVER_ERROR,
    GARBAGE,
    INDEX_BACKWARDS,
    INDEX_ZERO
  }

  private record Instance(String id, String address, int port, String status) {}

  private record Service(List<String> tags, Map<String, Instance> instances) {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Object lock = new Object();
  private final Map<String, Service> services = new TreeMap<>();
  private final List<String> calls = new ArrayList<>();
  private final AtomicInteger held = new AtomicInteger();
  private long index = 10;
  private volatile String token;
  private volatile Fault fault = Fault.NONE;

  public FakeConsul() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Require this ACL token from now on (null: no ACLs). */
  public void requireToken(String t) {
    token = t;
  }

  public void fault(Fault f) {
    fault = f;
    bump();
  }

  /** Registers (or replaces) an instance, passing its checks; every write raises the index. */
  public void register(String service, String id, String address, int port, String... tags) {
    synchronized (lock) {
      Service s =
          services.computeIfAbsent(
              service, n -> new Service(new ArrayList<>(), new LinkedHashMap<>()));
      s.tags().clear();
      s.tags().addAll(List.of(tags));
      s.instances().put(id, new Instance(id, address, port, "passing"));
      bumpLocked();
    }
  }

  /** Sets an instance's check status: passing, warning or critical. */
  public void status(String service, String id, String status) {
    synchronized (lock) {
      Instance i = services.get(service).instances().get(id);
      services.get(service).instances().put(id, new Instance(id, i.address(), i.port(), status));
      bumpLocked();
    }
  }

  public void deregister(String service) {
    synchronized (lock) {
      services.remove(service);
      bumpLocked();
    }
  }

  /** Every request so far, as "METHOD path?query token=…" lines. */
  public List<String> calls() {
    synchronized (lock) {
      return List.copyOf(calls);
    }
  }

  public int callCount() {
    synchronized (lock) {
      return calls.size();
    }
  }

  /** Blocking queries being held right now. */
  public int held() {
    return held.get();
  }

  private void bump() {
    synchronized (lock) {
      bumpLocked();
    }
  }

  private void bumpLocked() {
    index++;
    lock.notifyAll();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getRawPath();
      Map<String, String> q = query(ex.getRequestURI().getRawQuery());
      String sent = ex.getRequestHeaders().getFirst("X-Consul-Token");
      synchronized (lock) {
        calls.add(ex.getRequestMethod() + " " + ex.getRequestURI() + " token=" + sent);
      }
      if (!ex.getRequestMethod().equals("GET")) {
        send(ex, 405, "method not allowed", 0);
        return;
      }
      if (token != null && !token.equals(sent)) {
        send(ex, 403, "ACL not found", 0);
        return;
      }
      if (fault == Fault.SERVER_ERROR) {
        send(ex, 500, "rpc error: No cluster leader", 0);
        return;
      }
      long at = block(q);
      if (fault == Fault.GARBAGE) {
        send(ex, 200, "{\"not\": [json", at);
        return;
      }
      if (fault == Fault.INDEX_BACKWARDS) {
        at = 2;
      } else if (fault == Fault.INDEX_ZERO) {
        at = 0;
      }
      if (path.equals("/v1/catalog/services")) {
        String filter = q.get("filter");
        Matcher m = filter == null ? null : IN_TAGS.matcher(filter);
        if (filter != null && !m.matches()) {
          send(ex, 400, "Failed to create boolexpr evaluator", at);
          return;
        }
        send(ex, 200, catalog(m == null ? null : m.group(1)), at);
      } else if (path.startsWith("/v1/health/service/")) {
        String name = URLDecoder.decode(path.substring(19), StandardCharsets.UTF_8);
        send(ex, 200, health(name, q.containsKey("passing")), at);
      } else {
        send(ex, 404, "not found", at);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Holds a blocking query until the index passes the client's or the wait ends. */
  private long block(Map<String, String> q) throws InterruptedException {
    synchronized (lock) {
      if (!q.containsKey("index")) {
        return index;
      }
      long since = Long.parseLong(q.get("index"));
      long waitMs = Math.min(wait(q.get("wait")), 600_000);
      long deadline =
          System.currentTimeMillis()
              + waitMs
              + ThreadLocalRandom.current().nextLong(waitMs / 16 + 1);
      held.incrementAndGet();
      try {
        while (index <= since) {
          long left = deadline - System.currentTimeMillis();
          if (left <= 0) {
            break;
          }
          lock.wait(left);
        }
      } finally {
        held.decrementAndGet();
      }
      return index;
    }
  }

  private static long wait(String w) {
    if (w == null) {
      return 300_000;
    }
    Matcher m = Pattern.compile("(\\d+)(ms|s|m)").matcher(w);
    if (!m.matches()) {
      return 300_000;
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> n;
      case "s" -> n * 1000;
      default -> n * 60_000;
    };
  }

  private String catalog(String tag) {
    synchronized (lock) {
      StringBuilder b = new StringBuilder("{");
      boolean first = true;
      for (var e : services.entrySet()) {
        if (tag != null && !e.getValue().tags().contains(tag)) {
          continue;
        }
        b.append(first ? "" : ",").append(quote(e.getKey())).append(":[");
        first = false;
        List<String> tags = e.getValue().tags();
        for (int i = 0; i < tags.size(); i++) {
          b.append(i == 0 ? "" : ",").append(quote(tags.get(i)));
        }
        b.append("]");
      }
      return b.append("}").toString();
    }
  }

  private String health(String name, boolean passingOnly) {
    synchronized (lock) {
      Service s = services.get(name);
      StringBuilder b = new StringBuilder("[");
      if (s != null) {
        boolean first = true;
        for (Instance i : s.instances().values()) {
          if (passingOnly && !i.status().equals("passing")) {
            continue;
          }
          b.append(first ? "" : ",");
          first = false;
          b.append("{\"Node\":{\"Node\":\"node-")
              .append(i.id())
              .append("\",\"Address\":\"10.255.0.1\"},\"Service\":{\"ID\":")
              .append(quote(i.id()))
              .append(",\"Service\":")
              .append(quote(name))
              .append(",\"Address\":")
              .append(quote(i.address()))
              .append(",\"Port\":")
              .append(i.port())
              .append(
                  ",\"Tags\":[]},\"Checks\":[{\"CheckID\":\"serfHealth\",\"Status\":\"passing\"},")
              .append("{\"CheckID\":\"service:")
              .append(i.id())
              .append("\",\"Status\":")
              .append(quote(i.status()))
              .append("}]}");
        }
      }
      return b.append("]").toString();
    }
  }

  private static void send(HttpExchange ex, int status, String body, long index)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", status == 200 ? "application/json" : "text/plain");
    if (status == 200) {
      ex.getResponseHeaders().set("X-Consul-Index", Long.toString(index));
      ex.getResponseHeaders().set("X-Consul-KnownLeader", "true");
      ex.getResponseHeaders().set("X-Consul-LastContact", "0");
    }
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null) {
      return out;
    }
    for (String part : raw.split("&")) {
      int eq = part.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
      out.put(k, v);
    }
    return out;
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** Stops answering: held queries are cut, new connections refused. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
