package io.aralez.dataplane.proxy;

import io.aralez.dataplane.config.HostPort;
import io.aralez.dataplane.upstream.UpstreamPool;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;

/**
 * What an {@link Exchange} may do to the client connection it answers. The exchange never reaches
 * into the client's pipeline or state: it writes, asks for reads, and reports how it ended.
 */
interface ClientSide {
  /** Where the response goes. */
  ClientChannel channel();

  /** The connection is closing gracefully: the response ends it. */
  boolean draining();

  /** The request head went upstream; {@code complete}: its body too. */
  void requestForwarded(boolean complete);

  /** The upstream can take more of the body: read the client if it may. */
  void readMore();

  /** Call the exchange's stall check within this many nanoseconds (none when 0 or less). */
  void checkWithin(long nanos);

  /** The response status is known: counts it. */
  void responseStatus(int code);

  void logAccess(int status, long bytes, HostPort upstream);

  /** The response went out completely. */
  void exchangeDone(Exchange ex, boolean closeClient);

  /** For answers made here. */
  ByteBufAllocator alloc();

  /**
   * No response byte of the upstream's went out and none will: {@code response} (a failure status,
   * an error page) is the answer instead.
   */
  void exchangeAnswered(Exchange ex, FullHttpResponse response, boolean requestComplete);

  /** The response broke after it started: close. */
  void exchangeAborted(Exchange ex);

  /**
   * After the upstream's 101 {@code accept}: relay it, then the client connection and {@code
   * upstream} become a byte tunnel.
   */
  void becomeTunnel(UpstreamPool.Lease upstream, io.netty.handler.codec.http.HttpResponse accept);
}
