package io.aralez.dataplane.proxy;

import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Requests a client sent ahead of their turn (HTTP/1.1 pipelining), answered strictly in order: the
 * next head leaves the queue only once the connection is idle again, while the body parts behind a
 * head leave with it.
 */
final class Pipelined {
  /** Made on the first request sent ahead: most connections (and every HTTP/2 stream) never do. */
  private ArrayDeque<HttpObject> queue;

  boolean isEmpty() {
    return queue == null || queue.isEmpty();
  }

  void add(HttpObject msg) {
    if (queue == null) {
      queue = new ArrayDeque<>(4);
    }
    queue.add(msg);
  }

  /** The next message to handle, or null (empty, or a head while a request is still running). */
  HttpObject nextFor(boolean idle) {
    if (queue == null) {
      return null;
    }
    HttpObject next = queue.peek();
    if (next == null || next instanceof HttpRequest && !idle) {
      return null;
    }
    return queue.poll();
  }

  void release() {
    if (queue == null) {
      return;
    }
    HttpObject o;
    while ((o = queue.poll()) != null) {
      ReferenceCountUtil.release(o);
    }
  }
}
