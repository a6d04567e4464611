package io.aralez.dataplane.source.consul;

import io.aralez.dataplane.source.discovery.DiscoveryHealth;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One Consul blocking query, asked again and again: it resumes from the last {@code X-Consul-Index}
 * so Consul holds it until something changed or the wait ran out. Two floors keep it from spinning:
 * calls start at least {@link #MIN_INTERVAL} apart (an index stuck at 0, or a service that flaps),
 * and failures back off, jittered, up to {@link #MAX_BACKOFF}.
 */
final class ConsulWatch {
  static final Duration MIN_INTERVAL = Duration.ofMillis(250);
  static final Duration MIN_BACKOFF = Duration.ofMillis(500);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  /** Reads one answer's body; throws when it is not what Consul sends. */
  interface Reader {
    void read(String body) throws IOException;
  }

  private final String path;
  private final Map<String, String> query;
  private final ConsulClient client;
  private final ScheduledExecutorService executor;
  private final DiscoveryHealth health;
  private final Reader reader;
  private long index;
  private long lastStart;
  private int failures;
  private volatile boolean stopped;
  private volatile CompletableFuture<?> inFlight;

  ConsulWatch(
      String path,
      Map<String, String> query,
      ConsulClient client,
      ScheduledExecutorService executor,
      DiscoveryHealth health,
      Reader reader) {
    this.path = path;
    this.query = Map.copyOf(query);
    this.client = client;
    this.executor = executor;
    this.health = health;
    this.reader = reader;
  }

  void start() {
    executor.execute(this::call);
  }

  void stop() {
    stopped = true;
    CompletableFuture<?> f = inFlight;
    if (f != null) {
      f.cancel(true);
    }
  }

  private void call() {
    if (stopped) {
      return;
    }
    long now = System.nanoTime();
    long early = lastStart + MIN_INTERVAL.toNanos() - now;
    if (lastStart != 0 && early > 0) {
      executor.schedule(this::call, early, TimeUnit.NANOSECONDS);
      return;
    }
    lastStart = now;
    URI server = client.server();
    CompletableFuture<HttpResponse<String>> f = client.get(server, path, query, index);
    inFlight = f;
    f.whenCompleteAsync((res, err) -> answered(server, res, err), executor);
  }

  private void answered(URI server, HttpResponse<String> res, Throwable err) {
    if (stopped) {
      return;
    }
    if (err != null) {
      Throwable cause =
          err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
      boolean timeout = cause instanceof HttpTimeoutException;
      boolean refused = cause instanceof ConnectException;
      String reason = timeout ? "timeout" : refused ? "unreachable" : "unreachable";
      fail(server, true, reason, server + path + ": " + cause);
      return;
    }
    int status = res.statusCode();
    if (status == 403 || status == 401) {
      // The token is the same on every server; trying the next one would only hide that.
      fail(
          server,
          false,
          "forbidden",
          server + path + " answered " + status + " (is consul.token right?)");
      return;
    }
    if (status >= 500) {
      fail(server, true, "server_error", server + path + " answered " + status);
      return;
    }
    if (status != 200) {
      fail(server, false, "bad_response", server + path + " answered " + status);
      return;
    }
    try {
      reader.read(res.body());
    } catch (IOException | RuntimeException e) {
      // Garbage is not a change: keep the last good view and the index, and ask again later.
      fail(server, false, "bad_response", server + path + ": " + e.getMessage());
      return;
    }
    index = nextIndex(index, res.headers().firstValue("X-Consul-Index").orElse(null));
    failures = 0;
    health.answered();
    executor.execute(this::call);
  }

  /**
   * The index to resume from, by Consul's rules for blocking clients: an index that went backwards
   * (a restored snapshot, a new leader) starts over from 0; one that is not above 0 is treated as
   * 1, so the next call blocks instead of answering at once.
   */
  static long nextIndex(long previous, String header) {
    long next;
    try {
      next = header == null ? 0 : Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      next = 0;
    }
    if (next < previous) {
      return 0;
    }
    return next <= 0 ? 1 : next;
  }

  private void fail(URI server, boolean tryNext, String reason, String detail) {
    health.failed(reason, detail);
    failures++;
    if (tryNext) {
      client.failedOver(server);
    }
    long delay;
    if (tryNext && failures % client.serverCount() != 0) {
      // Another server has not been tried yet in this round: at once (the interval floor holds).
      delay = 0;
    } else {
      int rounds = tryNext ? failures / client.serverCount() : failures;
      long base =
          Math.min(MAX_BACKOFF.toMillis(), MIN_BACKOFF.toMillis() << Math.min(rounds - 1, 10));
      delay = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
    }
    executor.schedule(this::call, delay, TimeUnit.MILLISECONDS);
  }
}
