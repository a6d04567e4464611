package io.aralez.dataplane.upstream;

import io.aralez.dataplane.net.DispatchClock;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The idle HTTP/1.1 upstream connections of one event loop, per pool key: the newest is reused
 * first, and those idle for the timeout are closed by one sweep timer for the whole loop. (A Netty
 * {@code IdleStateHandler} on each connection did the closing before: a pipeline hop and a clock
 * read on every upstream read, for connections that are idle only between requests.) Event loop
 * only; every channel here belongs to that loop, and times are read from its ticker.
 */
final class IdleConnections {
  private final Map<UpstreamKey, ArrayDeque<Channel>> byKey = new HashMap<>();
  private final long maxIdleNanos;
  private final int capPerKey;
  private boolean sweepPending;

  IdleConnections(long maxIdleNanos, int capPerKey) {
    this.maxIdleNanos = maxIdleNanos;
    this.capPerKey = capPerKey;
  }

  /** The most recently pooled live connection for {@code key}, or null; stale ones are closed. */
  Channel take(UpstreamKey key) {
    ArrayDeque<Channel> q = byKey.get(key);
    if (q == null) {
      return null;
    }
    Channel ch;
    while ((ch = q.pollLast()) != null) {
      long now = DispatchClock.now(ch.eventLoop().ticker());
      UpstreamHandler h = UpstreamHandler.of(ch);
      // The sweep may run late: a connection past its idle time is not handed out either.
      if (ch.isActive() && h != null && now - h.idleSince() < maxIdleNanos) {
        return ch;
      }
      ch.close();
    }
    return null;
  }

  /**
   * Pools {@code ch}, unbinding its handler {@code h}; false, and {@code ch} closed, when pooling
   * is off or {@code key}'s queue is full.
   */
  boolean put(UpstreamKey key, Channel ch, UpstreamHandler h) {
    if (capPerKey <= 0 || maxIdleNanos <= 0) {
      ch.close();
      return false;
    }
    ArrayDeque<Channel> q = byKey.computeIfAbsent(key, k -> new ArrayDeque<>());
    if (q.size() >= capPerKey) {
      ch.close();
      return false;
    }
    EventLoop loop = ch.eventLoop();
    h.unbind(DispatchClock.now(loop.ticker()));
    q.addLast(ch);
    if (!sweepPending) {
      sweepPending = true;
      loop.schedule(() -> sweep(loop), maxIdleNanos, TimeUnit.NANOSECONDS);
    }
    return true;
  }

  /**
   * Closes what has been idle for the timeout (the oldest are first in each queue) and comes back
   * when the oldest remaining one is due; stops while nothing is pooled.
   */
  private void sweep(EventLoop loop) {
    sweepPending = false;
    long now = loop.ticker().nanoTime();
    long nextDue = Long.MAX_VALUE;
    for (Iterator<ArrayDeque<Channel>> it = byKey.values().iterator(); it.hasNext(); ) {
      ArrayDeque<Channel> q = it.next();
      Channel first;
      while ((first = q.peekFirst()) != null) {
        UpstreamHandler h = UpstreamHandler.of(first);
        long idle = h == null ? Long.MAX_VALUE : now - h.idleSince();
        if (first.isActive() && idle < maxIdleNanos) {
          nextDue = Math.min(nextDue, maxIdleNanos - idle);
          break;
        }
        q.pollFirst();
        first.close();
      }
      if (q.isEmpty()) {
        it.remove();
      }
    }
    if (nextDue != Long.MAX_VALUE) {
      sweepPending = true;
      loop.schedule(() -> sweep(loop), Math.max(nextDue, 1), TimeUnit.NANOSECONDS);
    }
  }
}
