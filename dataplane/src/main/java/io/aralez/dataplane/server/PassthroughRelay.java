package io.aralez.dataplane.server;

import io.aralez.dataplane.config.HostPort;
import io.aralez.dataplane.config.ProxyConfig.Passthrough;
import io.aralez.dataplane.net.TunnelHandler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One passed-through TLS connection while its backend connection opens: holds the bytes already
 * read (the ClientHello), tries the backends in turn from a rotating start, then leaves a byte
 * tunnel on both sides. Nothing more is read from the client until the backend is there, so the
 * bytes held are bounded by one read.
 */
final class PassthroughRelay extends ChannelInboundHandlerAdapter {
  // Spreads connections over the backends; which process or loop picks which does not matter.
  private static final AtomicInteger NEXT = new AtomicInteger();

  private final Passthrough target;
  private final SniRelays relays;
  private final List<Object> held = new ArrayList<>();
  private boolean done;

  PassthroughRelay(Passthrough target, SniRelays relays) {
    this.target = target;
    this.relays = relays;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    List<HostPort> backends = target.backends();
    if (backends.isEmpty()) {
      fail(ctx);
      return;
    }
    dial(ctx, Math.floorMod(NEXT.getAndIncrement(), backends.size()), 0);
  }

  private void dial(ChannelHandlerContext ctx, int start, int tried) {
    List<HostPort> backends = target.backends();
    HostPort to = backends.get((start + tried) % backends.size());
    relays
        .connector()
        .connect(ctx.channel().eventLoop(), to, null, null, relays.connectTimeout())
        .addListener(
            (Future<Channel> f) -> {
              if (done || !ctx.channel().isActive()) {
                if (f.isSuccess()) {
                  f.getNow().close();
                }
                release();
              } else if (f.isSuccess()) {
                join(ctx, f.getNow());
              } else if (tried + 1 < backends.size()) {
                dial(ctx, start, tried + 1);
              } else {
                fail(ctx);
              }
            });
  }

  private void join(ChannelHandlerContext ctx, Channel backend) {
    done = true;
    relays.metrics().passthrough(true);
    long idle = relays.idle().toMillis();
    backend
        .pipeline()
        .addLast("tunnel-idle", new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS))
        .addLast("tunnel", new TunnelHandler(ctx.channel()));
    for (Object m : held) {
      backend.write(m);
    }
    held.clear();
    backend.flush();
    ctx.pipeline()
        .addBefore(
            ctx.name(), "tunnel-idle", new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS));
    ctx.pipeline().replace(this, "tunnel", new TunnelHandler(backend));
  }

  private void fail(ChannelHandlerContext ctx) {
    done = true;
    relays.metrics().passthrough(false);
    release();
    // The client sees its connection closed, as with ingress-nginx when no backend answers.
    ctx.close();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (done) {
      ReferenceCountUtil.release(msg);
    } else {
      held.add(msg);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    done = true;
    release();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    release();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  private void release() {
    for (Object m : held) {
      ReferenceCountUtil.release(m);
    }
    held.clear();
  }
}
