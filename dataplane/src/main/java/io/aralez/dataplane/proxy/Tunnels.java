package io.aralez.dataplane.proxy;

import io.aralez.dataplane.http.ServerCodec;
import io.aralez.dataplane.net.TunnelHandler;
import io.aralez.dataplane.upstream.UpstreamPool;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Turns a client connection and its upstream connection into the two ends of a byte tunnel after a
 * WebSocket upgrade. On each side the tunnel handlers are added before the HTTP handlers leave, so
 * bytes a decoder already holds (a first frame right behind the 101) reach the tunnel.
 */
final class Tunnels {
  private Tunnels() {}

  static void join(
      ChannelPipeline client, ChannelHandler proxy, UpstreamPool.Lease upstream, Duration idle) {
    var server = upstream.detach(p -> install(p, client.channel(), idle));
    install(client, server, idle);
    client.remove(proxy);
    client.remove(ServerCodec.class);
  }

  private static void install(ChannelPipeline p, io.netty.channel.Channel peer, Duration idle) {
    p.addLast("tunnel-idle", new IdleStateHandler(0, 0, idle.toMillis(), TimeUnit.MILLISECONDS));
    p.addLast("tunnel", new TunnelHandler(peer));
  }
}
