package io.aralez.dataplane.server;

import io.aralez.dataplane.admission.Pressure;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.function.Consumer;

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

  /**
   * @param refused told the reason of each refusal (for the rejections metric)
   */
  ClientConnections(int max, Pressure pressure, Consumer<String> refused) {
    this.max = max;
    this.pressure = pressure;
    this.refused = refused;
  }

  /** Takes {@code ch} in, or closes it and returns false. */
  boolean admit(Channel ch) {
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
