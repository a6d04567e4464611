package io.aralez.dataplane.proxy;

import io.aralez.dataplane.config.ProxySettings;
import io.aralez.dataplane.config.UpstreamOptions;
import io.aralez.dataplane.metrics.ProxyMetrics;
import io.aralez.dataplane.upstream.BackendGate;
import io.aralez.dataplane.upstream.BackendState;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;

/**
 * The place one request holds at a backend whose route caps requests in flight, or its wait for
 * one. Loop thread only. Once {@link #release}d, a place granted late is handed straight back.
 */
final class BackendPlace {
  /**
   * Told when the request got its place or was refused one. The exchange itself: no callback
   * objects per request for the usual route without a cap.
   */
  interface Waiter {
    void placeTaken();

    void placeRefused();
  }

  private BackendGate.Slot slot;
  private Future<BackendGate.Slot> waiting;
  private boolean released;

  /**
   * Tells {@code waiter} the place is taken now when the route has no cap or the request already
   * holds a place at this backend, else once a place frees up; that it is refused when the queue is
   * full or the wait runs out (counted in the rejections metric).
   */
  void take(
      EventLoop loop,
      BackendState backend,
      UpstreamOptions options,
      ProxySettings settings,
      ProxyMetrics metrics,
      Waiter waiter) {
    int max = options.maxConnectionsOr(settings.upstreamMaxConnections());
    if (max <= 0 || slot != null) {
      waiter.placeTaken();
      return;
    }
    released = false;
    waiting =
        backend
            .gate()
            .acquire(
                loop,
                max,
                options.queueSizeOr(settings.upstreamQueueSize()),
                options.queueTimeoutOr(settings.upstreamQueueTimeout()));
    waiting.addListener(
        (Future<BackendGate.Slot> f) -> {
          waiting = null;
          if (f.isCancelled()) {
            return;
          }
          if (!f.isSuccess()) {
            boolean full = ((BackendGate.Refused) f.cause()).queueFull();
            metrics.rejected(full ? "backend_queue_full" : "backend_queue_timeout");
            if (!released) {
              waiter.placeRefused();
            }
          } else if (released) {
            f.getNow().release();
          } else {
            slot = f.getNow();
            waiter.placeTaken();
          }
        });
  }

  /** Gives the place back, or stops waiting for one; idempotent. */
  void release() {
    released = true;
    if (waiting != null) {
      waiting.cancel(false);
    }
    if (slot != null) {
      slot.release();
      slot = null;
    }
  }
}
