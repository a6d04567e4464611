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
  private final ArrayDeque<HttpObject> queue = new ArrayDeque<>();

  boolean isEmpty() {
    return queue.isEmpty();
  }

  void add(HttpObject msg) {
    queue.add(msg);
  }

  /** The next message to handle, or null (empty, or a head while a request is still running). */
  HttpObject nextFor(boolean idle) {
    HttpObject next = queue.peek();
    if (next == null || next instanceof HttpRequest && !idle) {
      return null;
    }
    return queue.poll();
  }

  void release() {
    HttpObject o;
    while ((o = queue.poll()) != null) {
      ReferenceCountUtil.release(o);
    }
  }
}
