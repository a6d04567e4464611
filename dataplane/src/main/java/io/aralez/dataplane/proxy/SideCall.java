package io.aralez.dataplane.proxy;

import io.aralez.dataplane.upstream.UpstreamKey;
import io.aralez.dataplane.upstream.UpstreamListener;
import io.aralez.dataplane.upstream.UpstreamPool;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One small request the proxy makes on its own behalf (a forward-auth check, an error page), on the
 * client's event loop through the pooled upstream connections, its answer collected whole. Whatever
 * happens it completes within the timeout; no answer, or a body over the limit, is {@link
 * Result#unavailable()}.
 */
final class SideCall implements UpstreamListener {
  /** The answer; status 0 when there was none. The body is the receiver's to release. */
  record Result(int status, HttpHeaders headers, ByteBuf body) {
    static Result unavailable() {
      return new Result(0, null, null);
    }

    boolean answered() {
      return status != 0;
    }
  }

  /** Never copied from a client's request onto a side request: framing and hop-by-hop. */
  static final java.util.Set<String> NOT_COPIED =
      java.util.Set.of(
          "host",
          "content-length",
          "transfer-encoding",
          "connection",
          "keep-alive",
          "te",
          "trailer",
          "upgrade",
          "proxy-connection",
          "expect");

  /**
   * Where an absolute http(s) {@code url} is reached: its address, the protocol, the SNI name.
   *
   * @param verified whether an https server's certificate must be valid
   */
  static UpstreamKey key(java.net.URI url, boolean verified) {
    boolean https = "https".equalsIgnoreCase(url.getScheme());
    int port = url.getPort() > 0 ? url.getPort() : https ? 443 : 80;
    String host = url.getHost();
    var address =
        io.aralez.dataplane.config.HostPort.parse(
            (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port);
    return new UpstreamKey(
        address,
        https
            ? io.aralez.dataplane.config.UpstreamProtocol.HTTPS
            : io.aralez.dataplane.config.UpstreamProtocol.HTTP,
        https ? host : null,
        verified);
  }

  /** The origin-form target of {@code url}: its path ("/" when empty) and query. */
  static String target(java.net.URI url) {
    return (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
        + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
  }

  private final Promise<Result> promise;
  private final int maxBody;
  private final boolean truncate;
  private UpstreamPool.Lease lease;
  private HttpResponse head;
  private CompositeByteBuf body;
  private boolean keepAlive;
  private ScheduledFuture<?> timer;

  private SideCall(Promise<Result> promise, int maxBody, boolean truncate) {
    this.promise = promise;
    this.maxBody = maxBody;
    this.truncate = truncate;
  }

  /**
   * Sends {@code req} to {@code key}'s server.
   *
   * @param maxBody the largest body kept
   * @param truncate past {@code maxBody}: keep the first part (true) or give no answer (false)
   */
  static Future<Result> send(
      UpstreamPool pool,
      EventLoop loop,
      UpstreamKey key,
      FullHttpRequest req,
      Duration timeout,
      int maxBody,
      boolean truncate) {
    Promise<Result> promise = loop.newPromise();
    SideCall call = new SideCall(promise, maxBody, truncate);
    call.timer =
        loop.schedule(
            () -> call.finish(Result.unavailable(), false),
            timeout.toMillis(),
            TimeUnit.MILLISECONDS);
    pool.acquire(loop, key, timeout)
        .addListener(
            (Future<UpstreamPool.Lease> f) -> {
              if (!f.isSuccess()) {
                req.release();
                call.finish(Result.unavailable(), false);
                return;
              }
              if (promise.isDone()) {
                req.release();
                f.getNow().release(false);
                return;
              }
              call.lease = f.getNow();
              call.lease.bind(call);
              call.lease.channel().writeAndFlush(req);
              call.lease.channel().read();
            });
    return promise;
  }

  @Override
  public void onUpstreamMessage(Object msg) {
    try {
      if (msg instanceof HttpResponse res) {
        if (res.decoderResult().isFailure()) {
          finish(Result.unavailable(), false);
          return;
        }
        if (res.status().code() < 200) {
          // An interim answer (100): the final one follows.
          return;
        }
        head = res;
        keepAlive = HttpUtil.isKeepAlive(res);
        body = lease.channel().alloc().compositeBuffer();
      }
      if (msg instanceof HttpContent c && body != null) {
        if (body.readableBytes() + c.content().readableBytes() <= maxBody) {
          body.addComponent(true, c.content().retain());
        } else if (!truncate) {
          finish(Result.unavailable(), false);
          return;
        }
        if (c instanceof LastHttpContent) {
          CompositeByteBuf complete = body;
          body = null;
          finish(new Result(head.status().code(), head.headers(), complete), keepAlive);
        }
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void onUpstreamReadComplete() {
    if (lease != null && !promise.isDone()) {
      lease.channel().read();
    }
  }

  @Override
  public void onUpstreamWritable() {}

  @Override
  public void onUpstreamClosed(Throwable cause) {
    finish(Result.unavailable(), false);
  }

  private void finish(Result result, boolean reusable) {
    if (timer != null) {
      timer.cancel(false);
    }
    if (lease != null) {
      UpstreamPool.Lease l = lease;
      lease = null;
      l.release(reusable && !promise.isDone());
    }
    if (!promise.trySuccess(result)) {
      if (result.body() != null) {
        result.body().release();
      }
    }
    if (body != null) {
      body.release();
      body = null;
    }
  }
}
