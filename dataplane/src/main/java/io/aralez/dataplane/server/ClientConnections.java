package io.aralez.dataplane.server;

import io.aralez.dataplane.admission.Pressure;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.SocketAddress;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The open client connections of every listener, and the door to them: past {@code
 * max_client_connections}, or while direct memory is short, a new connection is closed as soon as
 * it is accepted. Closing costs nothing the process is short of, and the client sees a refusal it
 * can retry elsewhere instead of a server that stalls once file descriptors or buffers run out.
 */
final class ClientConnections {
  private final ChannelGroup open = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final int max;
  private final Pressure pressure;
  private final Consumer<String> refused;
  private volatile Predicate<SocketAddress> warmUp = peer -> false;

  /**
   * @param refused told the reason of each refusal (for the rejections metric)
   */
  ClientConnections(int max, Pressure pressure, Consumer<String> refused) {
    this.max = max;
    this.pressure = pressure;
    this.refused = refused;
  }

  /**
   * Connections from the peers {@code own} accepts (the start-up warm-up's own, each accepted once)
   * are taken in without taking a place: with a small cap a warm-up connection must neither be
   * refused nor keep a client out.
   */
  void notCounting(Predicate<SocketAddress> own) {
    this.warmUp = own;
  }

  /** Takes {@code ch} in, or closes it and returns false. */
  boolean admit(Channel ch) {
    SocketAddress peer = ch.remoteAddress();
    if (peer == null || warmUp.test(peer)) {
      // Not in the group: no place, no gauge. Without an address the peer has already reset the
      // connection (the warm-up's resets often have), so its first read fails and closes it;
      // refusing it would count a rejection for a client that is gone.
      return true;
    }
    String reason =
        open.size() >= max ? "max_client_connections" : pressure.high() ? "direct_memory" : null;
    if (reason != null) {
      refused.accept(reason);
      ch.close();
      return false;
    }
    open.add(ch);
    return true;
  }

  ChannelGroup group() {
    return open;
  }
}
