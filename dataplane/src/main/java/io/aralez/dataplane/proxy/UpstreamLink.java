package io.aralez.dataplane.proxy;

import io.aralez.dataplane.upstream.UpstreamListener;
import io.aralez.dataplane.upstream.UpstreamPool;
import io.netty.channel.Channel;

/**
 * The upstream connection an exchange holds: bound to it from attach until it is given back to the
 * pool, dropped, or handed to a tunnel. Loop thread only.
 */
final class UpstreamLink {
  private UpstreamPool.Lease lease;

  /** Binds {@code l}'s connection to {@code listener}; returns the connection. */
  Channel attach(UpstreamPool.Lease l, UpstreamListener listener) {
    lease = l;
    l.bind(listener);
    return l.channel();
  }

  boolean attached() {
    return lease != null;
  }

  /** Whether the connection came from the pool (and may have been closed by the server). */
  boolean reused() {
    return lease.reused();
  }

  /** Asks the connection for more of the response, if one is held. */
  void read() {
    if (lease != null) {
      lease.channel().read();
    }
  }

  /** Gives the connection back: to the pool when {@code reusable} and still open, else closed. */
  void release(boolean reusable) {
    UpstreamPool.Lease l = lease;
    lease = null;
    l.release(reusable && l.channel().isActive());
  }

  /** Closes the connection, if one is held; returns whether one was. */
  boolean drop() {
    if (lease == null) {
      return false;
    }
    release(false);
    return true;
  }

  /** The connection leaves the exchange (for a tunnel), unreleased. */
  UpstreamPool.Lease handOver() {
    UpstreamPool.Lease l = lease;
    lease = null;
    return l;
  }
}
