package io.aralez.dataplane.testing;

import io.aralez.dataplane.config.ProxySettings;
import io.aralez.dataplane.server.Pipelines;
import io.aralez.dataplane.upstream.UpstreamPool;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A client connection through the proxy's real HTTP/1.1 pipeline (head timeout, codec, proxy
 * handler), with in-memory upstream connections, on one thread and a clock the test moves: the
 * exchange's behaviour byte for byte, with no sockets and no waiting.
 */
public final class EmbeddedProxy implements AutoCloseable {
  public final ProxyFixture fixture;
  public final EmbeddedChannel client;

  /** Upstream connections in the order they were opened. */
  public final List<EmbeddedChannel> upstreams = new ArrayList<>();

  /** Backend ports whose connections are refused. */
  public final Set<Integer> refused = new HashSet<>();

  /** Backend ports whose connections time out. */
  public final Set<Integer> timedOut = new HashSet<>();

  public EmbeddedProxy(ProxyFixture fixture) {
    this(fixture, false);
  }

  /**
   * @param http2 the client connection speaks HTTP/2 (prior knowledge): the proxy's HTTP/2 stages
   *     instead of its HTTP/1.1 ones; {@link EmbeddedH2Client} talks to it
   */
  public EmbeddedProxy(ProxyFixture fixture, boolean http2) {
    this.fixture = fixture;
    ProxySettings settings = fixture.settings(false);
    UpstreamPool pool =
        new UpstreamPool(
            (loop, address, alpn, sni, timeout) -> {
              if (refused.contains(address.port())) {
                // As a socket reports it: later, from the event loop.
                io.netty.util.concurrent.Promise<Channel> failed = loop.newPromise();
                loop.execute(
                    () -> failed.setFailure(new java.net.ConnectException("refused: " + address)));
                return failed;
              }
              if (timedOut.contains(address.port())) {
                io.netty.util.concurrent.Promise<Channel> failed = loop.newPromise();
                loop.execute(
                    () ->
                        failed.setFailure(
                            new io.netty.channel.ConnectTimeoutException("timed out: " + address)));
                return failed;
              }
              EmbeddedChannel up = new EmbeddedChannel();
              up.config().setAutoRead(false);
              upstreams.add(up);
              return loop.<Channel>newSucceededFuture(up);
            },
            settings);
    client =
        new EmbeddedChannel() {
          @Override
          protected SocketAddress remoteAddress0() {
            return new InetSocketAddress("198.51.100.7", 40000);
          }
        };
    client.freezeTime();
    client.config().setAutoRead(false);
    Pipelines pipelines =
        new Pipelines(
            fixture.main.limits(),
            fixture.main.http2(),
            settings,
            fixture.holder,
            pool,
            fixture.services);
    if (http2) {
      pipelines.installHttp2(client.pipeline());
    } else {
      pipelines.installHttp1(client.pipeline());
    }
    client.pipeline().fireChannelActive();
  }

  /** Bytes from the client, as one read. */
  public void send(String raw) {
    client.writeInbound(bytes(raw));
    settle();
  }

  /** Bytes from upstream connection {@code i}, as one read. */
  public void reply(int i, String raw) {
    upstreams.get(i).writeInbound(bytes(raw));
    settle();
  }

  /** Upstream connection {@code i} closes. */
  public void closeUpstream(int i) {
    upstreams.get(i).close();
    settle();
  }

  /** Moves the clock and runs what became due. */
  public void advance(Duration d) {
    client.advanceTimeBy(d.toNanos(), TimeUnit.NANOSECONDS);
    settle();
  }

  /** Runs what the client's and the upstreams' loops have queued, a few rounds. */
  public void settle() {
    for (int round = 0; round < 5; round++) {
      client.runPendingTasks();
      client.runScheduledPendingTasks();
      for (EmbeddedChannel up : upstreams) {
        up.runPendingTasks();
      }
    }
  }

  /** Everything the client received since the last call. */
  public String received() {
    return drain(client);
  }

  /** Everything upstream connection {@code i} received since the last call. */
  public String sentUpstream(int i) {
    return drain(upstreams.get(i));
  }

  private static String drain(EmbeddedChannel ch) {
    StringBuilder b = new StringBuilder();
    Object o;
    while ((o = ch.readOutbound()) != null) {
      if (o instanceof ByteBuf buf) {
        b.append(buf.toString(StandardCharsets.ISO_8859_1));
        buf.release();
      }
    }
    return b.toString();
  }

  private static ByteBuf bytes(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() {
    client.finishAndReleaseAll();
    upstreams.forEach(EmbeddedChannel::finishAndReleaseAll);
  }
}
