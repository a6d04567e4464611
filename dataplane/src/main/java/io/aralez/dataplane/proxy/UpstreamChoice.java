package io.aralez.dataplane.proxy;

import io.aralez.dataplane.config.ProxyConfig.Backend;
import io.aralez.dataplane.net.DispatchClock;
import io.aralez.dataplane.routing.RouteEntry;
import io.aralez.dataplane.upstream.UpstreamKey;
import io.aralez.dataplane.upstream.UpstreamPool;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which backend of its route an exchange goes to, the place it holds there when the route caps
 * requests in flight, and its connection attempts: a failed connect moves it to another backend
 * while the route allows more attempts. Loop thread only.
 */
final class UpstreamChoice {
  private static final Logger LOG = LoggerFactory.getLogger(UpstreamChoice.class);

  private final RouteEntry entry;
  private final Exchange.Services services;
  private final BackendPlace place = new BackendPlace();
  private int index;
  private Backend backend;
  private int attempts;
  private long firstAttempt;
  // EWMA routes: when the attempt in flight was counted at its backend, or -1.
  private long sentAt = -1;

  UpstreamChoice(RouteEntry entry, int index, Exchange.Services services) {
    this.entry = entry;
    this.services = services;
    this.index = index;
    this.backend = entry.backend(index);
  }

  int index() {
    return index;
  }

  Backend backend() {
    return backend;
  }

  /** Connection attempts so far, the current one included. */
  int attempts() {
    return attempts;
  }

  /**
   * A new attempt: tells {@code waiter} once the request holds a place at the backend (at once when
   * the route has no cap, or it kept its place from the last attempt), or when the backend's queue
   * is full or the wait ran out.
   */
  void attempt(EventLoop loop, BackendPlace.Waiter waiter) {
    if (attempts++ == 0) {
      firstAttempt = DispatchClock.now(loop.ticker());
    }
    place.take(
        loop,
        entry.state(index),
        entry.route().upstream(),
        services.settings(),
        services.metrics(),
        waiter);
  }

  /** A connection to the chosen backend, pooled or new, counted as one request to it. */
  Future<UpstreamPool.Lease> connect(EventLoop loop, ClientTraits traits, String sni) {
    entry.state(index).countRequest();
    if (entry.ewma()) {
      entry.state(index).latency().begin();
      // The system ticker's time, as the balancer compares scores with it.
      sentAt = DispatchClock.now();
    }
    UpstreamKey key =
        UpstreamKey.choose(
            entry.route(),
            entry.state(index),
            backend.address(),
            traits.grpc(),
            traits.upgrade(),
            sni);
    return services
        .pool()
        .acquire(
            loop, key, entry.route().upstream().connectOr(services.settings().connectTimeout()));
  }

  /**
   * Connecting failed: the backend is out of rotation until probes bring it back (passive health).
   *
   * @return null when another backend takes the next attempt; otherwise the client's answer (504
   *     when the connect timed out, 502 for any other failure)
   */
  HttpResponseStatus connectFailed(Throwable cause) {
    measured(false);
    LOG.warn(
        "upstream {} for {}: connect failed: {}",
        backend.address(),
        entry.route().id(),
        cause.toString());
    services.metrics().upstreamConnectError(backend.address().toString());
    entry.state(index).markConnectFailure(cause.toString(), entry.route().healthcheck());
    if (attempts < entry.route().upstream().connectAttempts() && moveToAnother()) {
      return null;
    }
    return cause instanceof ConnectTimeoutException
        ? HttpResponseStatus.GATEWAY_TIMEOUT
        : HttpResponseStatus.BAD_GATEWAY;
  }

  /**
   * proxy-next-upstream: after a failure the route lists, once the request went out, whether it
   * goes to another backend (within the route's attempts and time, for a method it allows).
   *
   * @return true when another backend was chosen for the next attempt
   */
  boolean nextAfter(String method, long now) {
    var next = entry.route().upstream().next();
    if (next == null
        || !next.allows(method)
        || attempts >= entry.route().upstream().connectAttempts()
        || next.within() != null && now - firstAttempt > next.within().toNanos()) {
      return false;
    }
    return moveToAnother();
  }

  /** The backend's response could not be decoded. */
  void invalidResponse(Throwable cause) {
    LOG.warn("upstream {} sent an invalid response: {}", backend.address(), cause.toString());
  }

  /** Nothing was read from the backend or taken by it for {@code idleNanos}. */
  void stalled(long idleNanos) {
    LOG.warn(
        "upstream {} for {}: nothing read or taken for {} ms",
        backend.address(),
        entry.route().id(),
        idleNanos / 1_000_000);
  }

  /** The response head arrived: its time counts for the backend (EWMA routes). */
  void responded() {
    measured(true);
  }

  /**
   * Ends the EWMA count of the attempt in flight. A failure weighs at least a second, so that a
   * backend refusing connections at once does not look like the fastest one.
   */
  private void measured(boolean ok) {
    // Round-robin routes never set sentAt: no clock read for them.
    if (sentAt >= 0) {
      long now = DispatchClock.now();
      long took = now - sentAt;
      entry.state(index).latency().end(ok ? took : Math.max(took, 1_000_000_000L), now);
      sentAt = -1;
    }
  }

  /** Whether the route's proxy-next-upstream lists this upstream status. */
  boolean nextOnStatus(int status) {
    var next = entry.route().upstream().next();
    return next != null && next.statuses().contains(status);
  }

  /** Whether it lists a connection that failed before an answer (error). */
  boolean nextOnError() {
    var next = entry.route().upstream().next();
    return next != null && next.error();
  }

  /** Whether it lists an answer that did not come within the read timeout (timeout). */
  boolean nextOnTimeout() {
    var next = entry.route().upstream().next();
    return next != null && next.timeout();
  }

  /** Another backend of the route for the next attempt, when it has one (counted as a retry). */
  private boolean moveToAnother() {
    int other = entry.pickExcept(index);
    if (other < 0) {
      return false;
    }
    services.metrics().retry();
    place.release();
    index = other;
    backend = entry.backend(other);
    return true;
  }

  /** The request is over: its place goes to the next in the queue. */
  void release() {
    measured(false);
    place.release();
  }
}
