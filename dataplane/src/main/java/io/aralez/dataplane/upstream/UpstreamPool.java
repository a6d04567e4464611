package io.aralez.dataplane.upstream;

import io.aralez.dataplane.config.HostPort;
import io.aralez.dataplane.config.ProxySettings;
import io.aralez.dataplane.http.ClientCodec;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.HashMap;
import java.util.Map;

/**
 * Upstream connections, kept per event loop: a connection is only used by the loop that owns the
 * client connection, so no lock and no thread hop is needed.
 *
 * <p>HTTP/1.1 (plain or TLS): idle connections are pooled per backend, protocol and SNI name,
 * capped at {@code upstream_keepalive_pool_size} per loop, and closed after the idle timeout; a
 * connection that failed or ended mid-exchange is never returned. HTTP/2 (h2 or h2c): one
 * connection per backend and loop carries every request as its own stream; each stream is converted
 * to HTTP/1 objects, so the exchange code is the same for both.
 */
public final class UpstreamPool {
  private static final int MAX_RESPONSE_LINE = 16 * 1024;
  private static final int MAX_RESPONSE_HEADERS = 64 * 1024;
  private static final String CODEC = "codec";
  private static final String HANDLER = "upstream";

  /** A channel for one exchange, and how to give it back. */
  public final class Lease {
    private final UpstreamKey key;
    private final Channel channel;
    private final boolean reused;

    Lease(UpstreamKey key, Channel channel, boolean reused) {
      this.key = key;
      this.channel = channel;
      this.reused = reused;
    }

    public Channel channel() {
      return channel;
    }

    /** Whether the connection served requests before (it may have been closed by the server). */
    public boolean reused() {
      return reused;
    }

    /** Everything the connection receives goes to {@code listener} until the lease ends. */
    public void bind(UpstreamListener listener) {
      UpstreamHandler.of(channel).bind(listener);
    }

    /**
     * Takes the connection out of HTTP for good (an upgraded WebSocket connection becomes a byte
     * tunnel): {@code install} adds the new handlers, then the pool's handlers leave, the codec
     * last so the bytes it already holds go on to the new ones. The connection never returns to a
     * pool.
     */
    public Channel detach(java.util.function.Consumer<io.netty.channel.ChannelPipeline> install) {
      var p = channel.pipeline();
      UpstreamHandler.of(channel).bind(null);
      install.accept(p);
      p.remove(HANDLER);
      p.remove(CODEC);
      return channel;
    }

    /**
     * Ends the lease: a reusable HTTP/1.1 connection goes back to the pool, anything else closes.
     */
    public void release(boolean reusable) {
      UpstreamHandler h = UpstreamHandler.of(channel);
      if (h != null) {
        h.bind(null);
      }
      if (reusable && h != null && !key.protocol().http2()) {
        pool(channel, key, h);
      } else {
        channel.close();
      }
    }
  }

  /**
   * Opens a connection to a backend: {@link UpstreamConnector#connect} in the proxy; an in-memory
   * channel in the pipeline benchmark.
   */
  @FunctionalInterface
  public interface Dialer {
    Future<Channel> connect(
        EventLoop loop,
        HostPort address,
        UpstreamTls.Alpn alpn,
        String sni,
        java.time.Duration timeout);

    /** The same, with a route's own TLS settings ({@code tls}, null for the process's). */
    default Future<Channel> connect(
        EventLoop loop,
        HostPort address,
        UpstreamTls.Alpn alpn,
        String sni,
        java.time.Duration timeout,
        io.aralez.dataplane.config.UpstreamTlsSpec tls) {
      return connect(loop, address, alpn, sni, timeout);
    }
  }

  private final Dialer dialer;
  private final ProxySettings settings;
  private final FastThreadLocal<IdleConnections> idle =
      new FastThreadLocal<>() {
        @Override
        protected IdleConnections initialValue() {
          return new IdleConnections(
              settings.upstreamIdleTimeout().toNanos(), settings.keepalivePoolSize());
        }
      };
  private final FastThreadLocal<Map<UpstreamKey, Future<Channel>>> h2 =
      new FastThreadLocal<>() {
        @Override
        protected Map<UpstreamKey, Future<Channel>> initialValue() {
          return new HashMap<>();
        }
      };

  public UpstreamPool(UpstreamConnector connector, ProxySettings settings) {
    this(
        new Dialer() {
          @Override
          public Future<Channel> connect(
              EventLoop loop,
              HostPort address,
              UpstreamTls.Alpn alpn,
              String sni,
              java.time.Duration timeout) {
            return connector.connect(loop, address, alpn, sni, timeout, null);
          }

          @Override
          public Future<Channel> connect(
              EventLoop loop,
              HostPort address,
              UpstreamTls.Alpn alpn,
              String sni,
              java.time.Duration timeout,
              io.aralez.dataplane.config.UpstreamTlsSpec tls) {
            return connector.connect(loop, address, alpn, sni, timeout, tls);
          }
        },
        settings);
  }

  public UpstreamPool(Dialer dialer, ProxySettings settings) {
    this.dialer = dialer;
    this.settings = settings;
  }

  /**
   * A channel to send one exchange on. Loop thread only.
   *
   * @param connectTimeout for a new connection (the route's, else upstream_connect_timeout)
   */
  public Future<Lease> acquire(EventLoop loop, UpstreamKey key, java.time.Duration connectTimeout) {
    return key.protocol().http2()
        ? acquireStream(loop, key, connectTimeout)
        : acquireHttp1(loop, key, connectTimeout);
  }

  private Future<Lease> acquireHttp1(
      EventLoop loop, UpstreamKey key, java.time.Duration connectTimeout) {
    Channel pooled = idle.get().take(key);
    if (pooled != null) {
      return loop.newSucceededFuture(new Lease(key, pooled, true));
    }
    Promise<Lease> promise = loop.newPromise();
    UpstreamTls.Alpn alpn =
        !key.protocol().tls()
            ? null
            : key.verified() ? UpstreamTls.Alpn.HTTP1_VERIFIED : UpstreamTls.Alpn.HTTP1;
    dialer
        .connect(loop, key.address(), alpn, key.sni(), connectTimeout, key.tls())
        .addListener(
            (Future<Channel> f) -> {
              if (!f.isSuccess()) {
                promise.tryFailure(f.cause());
                return;
              }
              Channel ch = f.getNow();
              installHttp1(ch, key);
              if (!promise.trySuccess(new Lease(key, ch, false))) {
                ch.close();
              }
            });
    return promise;
  }

  private void installHttp1(Channel ch, UpstreamKey key) {
    HttpDecoderConfig decoder =
        new HttpDecoderConfig()
            .setMaxInitialLineLength(MAX_RESPONSE_LINE)
            .setMaxHeaderSize(MAX_RESPONSE_HEADERS)
            .setMaxChunkSize(64 * 1024);
    ch.pipeline().addLast(CODEC, new ClientCodec(decoder)).addLast(HANDLER, new UpstreamHandler());
  }

  private void pool(Channel ch, UpstreamKey key, UpstreamHandler h) {
    if (!ch.isActive()) {
      ch.close();
      return;
    }
    if (idle.get().put(key, ch, h)) {
      // Keep one read pending so a close (or stray bytes) from the server is noticed while idle.
      ch.read();
    }
  }

  // ---- HTTP/2 ----

  private Future<Lease> acquireStream(
      EventLoop loop, UpstreamKey key, java.time.Duration connectTimeout) {
    Promise<Lease> promise = loop.newPromise();
    parent(loop, key, connectTimeout)
        .addListener(
            (Future<Channel> f) -> {
              if (!f.isSuccess()) {
                promise.tryFailure(f.cause());
                return;
              }
              new Http2StreamChannelBootstrap(f.getNow())
                  .option(ChannelOption.AUTO_READ, false)
                  .handler(
                      new io.netty.channel.ChannelInitializer<Http2StreamChannel>() {
                        @Override
                        protected void initChannel(Http2StreamChannel ch) {
                          ch.pipeline()
                              .addLast("h2-to-http", new H2StreamToHttp1())
                              .addLast(HANDLER, new UpstreamHandler());
                        }
                      })
                  .open()
                  .addListener(
                      (Future<Http2StreamChannel> s) -> {
                        if (s.isSuccess()) {
                          if (!promise.trySuccess(new Lease(key, s.getNow(), true))) {
                            s.getNow().close();
                          }
                        } else {
                          promise.tryFailure(s.cause());
                        }
                      });
            });
    return promise;
  }

  /** The shared HTTP/2 connection to a backend on this loop, opened on first use. */
  private Future<Channel> parent(
      EventLoop loop, UpstreamKey key, java.time.Duration connectTimeout) {
    Map<UpstreamKey, Future<Channel>> conns = h2.get();
    Future<Channel> existing = conns.get(key);
    if (existing != null
        && (!existing.isDone() || existing.isSuccess() && existing.getNow().isActive())) {
      return existing;
    }
    UpstreamTls.Alpn alpn = key.protocol().tls() ? UpstreamTls.Alpn.H2 : null;
    Promise<Channel> promise = loop.newPromise();
    conns.put(key, promise);
    dialer
        .connect(loop, key.address(), alpn, key.sni(), connectTimeout, key.tls())
        .addListener(
            (Future<Channel> f) -> {
              if (!f.isSuccess()) {
                conns.remove(key, promise);
                promise.tryFailure(f.cause());
                return;
              }
              Channel ch = f.getNow();
              installHttp2(ch);
              ch.closeFuture().addListener(c -> conns.remove(key, promise));
              promise.trySuccess(ch);
            });
    return promise;
  }

  private static void installHttp2(Channel ch) {
    ch.pipeline()
        .addLast("h2", Http2FrameCodecBuilder.forClient().autoAckSettingsFrame(true).build())
        .addLast("h2-mux", new Http2MultiplexHandler(new RefusePushes()));
    // Stream channels apply their own backpressure; the connection itself always reads.
    ch.config().setAutoRead(true);
    ch.read();
  }

  /** Servers may not open streams towards us (no push): drop them. */
  private static final class RefusePushes extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ReferenceCountUtil.release(msg);
      ctx.close();
    }
  }
}
