package io.aralez.dataplane.proxy;

import io.aralez.dataplane.config.ProxySettings;
import io.aralez.dataplane.config.UpstreamOptions;

/**
 * The stalls of an exchange, decided from timestamps and counts alone (no timer, no channel): the
 * upstream silent for longer than the read timeout (504), the upstream taking none of the request
 * bytes waiting for it for longer than the send timeout (504, nginx's proxy_send_timeout), or the
 * client's body silent for longer than the body timeout (408). Time spent waiting for a slow client
 * to drain the response counts against none. A timeout of 0 means none.
 */
final class StallWatch {
  enum Stall {
    NONE,
    CLIENT_BODY,
    UPSTREAM
  }

  private final long readTimeout;
  private final long bodyTimeout;
  private final long sendTimeout;
  private long lastUpstream;
  private long lastClient;
  private long lastSent;
  // Request bytes the upstream had not taken at the last check, or -1 when it was taking them.
  private long pending = -1;

  /** Nanoseconds until the next check when the last one found no stall. */
  private long nextCheck;

  StallWatch(long readTimeoutNanos, long bodyTimeoutNanos, long now) {
    this(readTimeoutNanos, bodyTimeoutNanos, readTimeoutNanos, now);
  }

  StallWatch(long readTimeoutNanos, long bodyTimeoutNanos, long sendTimeoutNanos, long now) {
    this.readTimeout = readTimeoutNanos;
    this.bodyTimeout = bodyTimeoutNanos;
    this.sendTimeout = sendTimeoutNanos;
    this.lastUpstream = now;
    this.lastClient = now;
  }

  /** The watch for an exchange on a route with {@code upstream}'s timeouts. */
  static StallWatch of(UpstreamOptions upstream, ProxySettings settings, long now) {
    var read = upstream.readOr(settings.readTimeout());
    return new StallWatch(
        read.toNanos(), settings.clientBody().toNanos(), upstream.sendOr(read).toNanos(), now);
  }

  void upstreamActive(long now) {
    lastUpstream = now;
  }

  void clientActive(long now) {
    lastClient = now;
  }

  /** The first check: as soon as any timeout could expire. */
  long firstCheck() {
    return LazyTimer.positiveMin(LazyTimer.positiveMin(readTimeout, bodyTimeout), sendTimeout);
  }

  Stall check(long now, boolean waitingOnClientBody, boolean clientWritable) {
    return check(now, waitingOnClientBody, clientWritable, -1);
  }

  /**
   * @param waitingOnClientBody the request body is incomplete and the upstream could take more
   * @param clientWritable whether the client is keeping up with the response
   * @param upstreamPending request bytes the upstream has not taken while it is not writable, or -1
   *     when it is writable
   */
  Stall check(long now, boolean waitingOnClientBody, boolean clientWritable, long upstreamPending) {
    if (upstreamPending >= 0) {
      return sending(now, upstreamPending);
    }
    pending = -1;
    Stall s = waiting(now, waitingOnClientBody, clientWritable);
    // The upstream may stop taking the request before the next check: come back within the send
    // timeout so that its stall is seen in time.
    nextCheck = LazyTimer.positiveMin(nextCheck, sendTimeout);
    return s;
  }

  private Stall waiting(long now, boolean waitingOnClientBody, boolean clientWritable) {
    if (waitingOnClientBody) {
      long idle = now - lastClient;
      if (bodyTimeout > 0 && idle >= bodyTimeout) {
        return Stall.CLIENT_BODY;
      }
      nextCheck = bodyTimeout > 0 ? bodyTimeout - idle : readTimeout;
      return Stall.NONE;
    }
    if (!clientWritable) {
      // The client is slow to read the response: not the upstream's fault.
      lastUpstream = now;
      nextCheck = readTimeout;
      return Stall.NONE;
    }
    long idle = now - lastUpstream;
    if (readTimeout > 0 && idle >= readTimeout) {
      return Stall.UPSTREAM;
    }
    nextCheck = readTimeout > 0 ? readTimeout - idle : bodyTimeout;
    return Stall.NONE;
  }

  /**
   * The upstream is not taking the request as fast as it comes: a stall once it took none of it for
   * the send timeout. It stopped at the last write, so the first sight of it counts from the last
   * activity on either side; after that, progress is fewer bytes pending than at the last check,
   * and checks come at a quarter of the timeout.
   */
  private Stall sending(long now, long upstreamPending) {
    if (pending < 0) {
      lastSent = Math.max(lastClient, lastUpstream);
    } else if (upstreamPending < pending) {
      lastSent = now;
    }
    pending = upstreamPending;
    if (sendTimeout <= 0) {
      nextCheck = readTimeout;
      return Stall.NONE;
    }
    long idle = now - lastSent;
    if (idle >= sendTimeout) {
      return Stall.UPSTREAM;
    }
    nextCheck = Math.max(1, Math.min(sendTimeout / 4, sendTimeout - idle));
    // Sending is upstream activity: the read timeout starts when it ends.
    lastUpstream = now;
    return Stall.NONE;
  }

  /** After a check that found no stall: when to check again, or 0 for never. */
  long nextCheck() {
    return nextCheck;
  }

  long upstreamIdle(long now) {
    return now - (pending >= 0 ? lastSent : lastUpstream);
  }
}
