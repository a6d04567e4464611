package io.aralez.dataplane.proxy;

import io.aralez.dataplane.config.RouteRules;
import io.aralez.dataplane.upstream.UpstreamKey;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * ingress-nginx's mirror-*: a copy of a request sent to another URL, its answer dropped. It never
 * holds up the request itself: the copy of the body is taken as the body passes (up to {@link
 * #MAX_BODY}; a larger body means no copy) and sent once it is complete, and past {@link
 * #MAX_IN_FLIGHT} copies waiting for their answers new ones are skipped.
 */
final class MirrorCall {
  /** The largest body copied. */
  static final int MAX_BODY = 64 * 1024;

  /** Copies in flight in the process; past it, copies are skipped (counted). */
  static final int MAX_IN_FLIGHT = 1000;

  private static final AtomicInteger IN_FLIGHT = new AtomicInteger();

  private final Exchange.Services services;
  private final EventLoop loop;
  private final FullHttpRequest copy;
  private final UpstreamKey key;
  private final Duration timeout;
  private CompositeByteBuf body;
  private boolean over;

  private MirrorCall(
      Exchange.Services services,
      EventLoop loop,
      FullHttpRequest copy,
      UpstreamKey key,
      Duration timeout) {
    this.services = services;
    this.loop = loop;
    this.copy = copy;
    this.key = key;
    this.timeout = timeout;
  }

  /**
   * A copy of {@code req} (read before it is rewritten for the upstream), sent at once when it has
   * no body to wait for; null when the route mirrors nothing.
   */
  static MirrorCall of(
      RouteRules.Mirror mirror,
      HttpRequest req,
      Exchange.Services services,
      EventLoop loop,
      Duration timeout) {
    if (mirror == null) {
      return null;
    }
    URI u = URI.create(mirror.target().replace("$request_uri", req.uri()));
    String path = SideCall.target(u);
    FullHttpRequest copy =
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, req.method(), path, Unpooled.EMPTY_BUFFER);
    HttpHeaders h = copy.headers();
    for (var e : req.headers()) {
      if (!SideCall.NOT_COPIED.contains(e.getKey().toLowerCase(Locale.ROOT))) {
        h.add(e.getKey(), e.getValue());
      }
    }
    h.set(HttpHeaderNames.HOST, mirror.host() != null ? mirror.host() : u.getRawAuthority());
    UpstreamKey key = SideCall.key(u, false);
    MirrorCall call = new MirrorCall(services, loop, copy, key, timeout);
    boolean hasBody =
        HttpUtil.isTransferEncodingChunked(req) || HttpUtil.getContentLength(req, 0L) > 0;
    if (!hasBody || !mirror.body()) {
      call.send(null);
      return null;
    }
    call.body = Unpooled.compositeBuffer();
    return call;
  }

  /** A part of the request's body, as it passes; the copy goes out with the last one. */
  void content(HttpContent c) {
    if (over) {
      return;
    }
    if (body.readableBytes() + c.content().readableBytes() > MAX_BODY) {
      services.metrics().mirror("skipped_body_too_large");
      abandon();
      return;
    }
    body.addComponent(true, c.content().retainedSlice());
    if (c instanceof LastHttpContent) {
      over = true;
      CompositeByteBuf b = body;
      body = null;
      send(b);
    }
  }

  /** The request ended without its whole body: no copy. */
  void abandon() {
    over = true;
    if (body != null) {
      body.release();
      body = null;
    }
  }

  private void send(CompositeByteBuf content) {
    FullHttpRequest req = content == null ? copy : copy.replace(content);
    req.headers().set(HttpHeaderNames.CONTENT_LENGTH, req.content().readableBytes());
    if (IN_FLIGHT.incrementAndGet() > MAX_IN_FLIGHT) {
      IN_FLIGHT.decrementAndGet();
      req.release();
      services.metrics().mirror("skipped_too_many");
      return;
    }
    services.metrics().mirror("sent");
    Consumer<SideCall.Result> done =
        r -> {
          IN_FLIGHT.decrementAndGet();
          if (r.body() != null) {
            r.body().release();
          }
        };
    // The answer is never read beyond its head: nothing of it goes anywhere.
    SideCall.send(services.pool(), loop, key, req, timeout, 0, true)
        .addListener(f -> done.accept((SideCall.Result) f.getNow()));
  }
}
