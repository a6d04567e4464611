package io.aralez.dataplane.source.consul;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * HTTP to the Consul servers, asynchronous on the JDK client and its own executor (never a proxy
 * event loop). All watches share the current server; a watch whose call failed moves everyone to
 * the next one, in order, wrapping around, so every server in the list gets its turn.
 */
final class ConsulClient {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** Time a non-blocking answer may take, and what a blocking one may take beyond its wait. */
  static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);

  /** Largest answer read: a catalog is small, a gigabyte is an attack or a mistake. */
  static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

  private final ConsulSettings settings;
  private final HttpClient http;
  private final AtomicInteger current = new AtomicInteger();

  ConsulClient(ConsulSettings settings, Executor executor)
      throws IOException, GeneralSecurityException {
    this.settings = settings;
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .executor(executor)
            .connectTimeout(CONNECT_TIMEOUT)
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER);
    if (settings.servers().stream().anyMatch(u -> u.getScheme().equals("https"))) {
      b.sslContext(ConsulTls.context(settings.tls()));
    }
    this.http = b.build();
  }

  /** The server calls go to now. */
  URI server() {
    return settings.servers().get(Math.floorMod(current.get(), settings.servers().size()));
  }

  int serverCount() {
    return settings.servers().size();
  }

  /** After a failed call to {@code failed}: the next server, unless another watch moved on. */
  void failedOver(URI failed) {
    int n = current.get();
    if (settings.servers().get(Math.floorMod(n, settings.servers().size())).equals(failed)) {
      current.compareAndSet(n, n + 1);
    }
  }

  /**
   * One GET; with {@code index > 0} a blocking query held up to {@code consul.wait}.
   *
   * @param query extra parameters (the datacenter, namespace and partition are added here)
   */
  CompletableFuture<HttpResponse<String>> get(
      URI server, String path, Map<String, String> query, long index) {
    StringBuilder q = new StringBuilder();
    query.forEach((k, v) -> param(q, k, v));
    param(q, "dc", settings.datacenter());
    param(q, "ns", settings.namespace());
    param(q, "partition", settings.partition());
    Duration timeout = ANSWER_TIMEOUT;
    if (index > 0) {
      param(q, "index", Long.toString(index));
      param(q, "wait", settings.blockingWait().toSeconds() + "s");
      // Consul adds up to wait/16 of jitter before it answers.
      timeout = timeout.plus(settings.blockingWait()).plus(settings.blockingWait().dividedBy(16));
    }
    String base = server.toString();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create(base + path + (q.length() == 0 ? "" : "?" + q)))
            .timeout(timeout)
            .header("Accept", "application/json")
            .GET();
    if (settings.token() != null) {
      r.header("X-Consul-Token", settings.token());
    }
    return http.sendAsync(r.build(), info -> new LimitedBody(MAX_BODY_BYTES));
  }

  private static void param(StringBuilder q, String key, String value) {
    if (value == null) {
      return;
    }
    if (q.length() > 0) {
      q.append('&');
    }
    q.append(key);
    if (!value.isEmpty()) {
      q.append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20"));
    }
  }

  /** A body read into a string, refused past a size. */
  private static final class LimitedBody implements HttpResponse.BodySubscriber<String> {
    private final int limit;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final CompletableFuture<String> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    LimitedBody(int limit) {
      this.limit = limit;
    }

    @Override
    public CompletionStage<String> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      for (ByteBuffer b : items) {
        if (out.size() + b.remaining() > limit) {
          subscription.cancel();
          result.completeExceptionally(
              new IOException("the answer is larger than " + limit + " bytes"));
          return;
        }
        byte[] chunk = new byte[b.remaining()];
        b.get(chunk);
        out.write(chunk, 0, chunk.length);
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(out.toString(StandardCharsets.UTF_8));
    }
  }
}
