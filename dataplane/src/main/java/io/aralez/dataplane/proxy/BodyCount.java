package io.aralez.dataplane.proxy;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * What the client's current request body has brought so far: the bytes counted against the route's
 * limit, whether its last part arrived, and the bytes read and dropped after a local answer (past a
 * cap the connection closes rather than read on).
 */
final class BodyCount {
  /** Not worth reading further for a request already answered. */
  static final long MAX_DISCARD_BYTES = 1 << 20;

  private long bytes;
  private boolean done;
  private long discarded;

  /** A new request head arrived. */
  void reset() {
    bytes = 0;
    done = false;
    discarded = 0;
  }

  /** Notes a body part; true when the body is now over {@code limit} (-1: none). */
  boolean add(HttpContent content, long limit) {
    if (content instanceof LastHttpContent) {
      done = true;
    }
    if (limit < 0) {
      return false;
    }
    bytes += content.content().readableBytes();
    return bytes > limit;
  }

  /** Whether the last part of the body has arrived. */
  boolean done() {
    return done;
  }

  /** Starts counting what is dropped after a local answer. */
  void startDiscarding() {
    discarded = 0;
  }

  /** Notes a dropped part; true when too much was dropped to go on reading. */
  boolean discard(HttpContent content) {
    discarded += content.content().readableBytes();
    return discarded > MAX_DISCARD_BYTES;
  }
}
