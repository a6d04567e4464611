package io.aralez.dataplane.proxy;

import io.aralez.dataplane.upstream.UpstreamPool;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.util.AttributeKey;
import java.time.Duration;

/**
 * The client end of one request flow: an HTTP/1.x connection ({@link Http1Channel}), or one stream
 * of an HTTP/2 connection ({@link H2Stream}). Responses are written as HTTP/1 objects; each side
 * turns them into its own wire form. Event loop only.
 */
interface ClientChannel {
  EventLoop eventLoop();

  ByteBufAllocator alloc();

  /** For logs. */
  Object remoteAddress();

  /** An HTTP/2 stream: one request, then the stream ends; no keep-alive, no tunnels. */
  boolean http2();

  /** A value set on the client's connection, or null. */
  <T> T connectionAttr(AttributeKey<T> key);

  /** Whether the client takes more response bytes now. */
  boolean writable();

  /** Writes without flushing; a failure closes the connection (HTTP/1) or resets the stream. */
  void write(Object msg);

  /** Sends what was written, possibly batched with the connection's other writes. */
  void flush();

  /** The flow may take the next part of the request. */
  void read();

  /**
   * Writes {@code last} and ends: the connection closes once it is out (HTTP/1); on HTTP/2 the
   * stream ends and the connection's other streams go on.
   */
  void writeAndClose(Object last);

  /** Closes once what was written is out. */
  void flushAndClose();

  /** Ends now: the connection is closed, or the stream reset. */
  void close();

  /** After a WebSocket upgrade: the connection and {@code upstream} become a byte tunnel. */
  void tunnel(UpstreamPool.Lease upstream, Duration idle);
}
