package io.aralez.dataplane.proxy;

/**
 * The two stalls of an exchange, decided from timestamps alone (no timer, no channel): the upstream
 * silent for longer than the read timeout (504), or the client's body silent for longer than the
 * body timeout (408). Time spent waiting for a slow client to drain the response counts against
 * neither. A timeout of 0 means none.
 */
final class StallWatch {
  enum Stall {
    NONE,
    CLIENT_BODY,
    UPSTREAM
  }

  private final long readTimeout;
  private final long bodyTimeout;
  private long lastUpstream;
  private long lastClient;

  /** Nanoseconds until the next check when the last one found no stall. */
  private long nextCheck;

  StallWatch(long readTimeoutNanos, long bodyTimeoutNanos, long now) {
    this.readTimeout = readTimeoutNanos;
    this.bodyTimeout = bodyTimeoutNanos;
    this.lastUpstream = now;
    this.lastClient = now;
  }

  void upstreamActive(long now) {
    lastUpstream = now;
  }

  void clientActive(long now) {
    lastClient = now;
  }

  /** The first check: as soon as either timeout could expire. */
  long firstCheck() {
    return LazyTimer.positiveMin(readTimeout, bodyTimeout);
  }

  /**
   * @param waitingOnClientBody the request body is incomplete and the upstream could take more
   * @param clientWritable whether the client is keeping up with the response
   */
  Stall check(long now, boolean waitingOnClientBody, boolean clientWritable) {
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

  /** After a check that found no stall: when to check again, or 0 for never. */
  long nextCheck() {
    return nextCheck;
  }

  long upstreamIdle(long now) {
    return now - lastUpstream;
  }
}
