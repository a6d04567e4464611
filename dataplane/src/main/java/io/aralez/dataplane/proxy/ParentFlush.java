package io.aralez.dataplane.proxy;

import io.netty.channel.Channel;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.LinkedHashSet;

/**
 * Flush batching for HTTP/2 client connections. Responses of many streams of one connection come
 * back on different upstream connections, so each would flush the connection on its own: one TLS
 * record and one write(2) per response. Instead, a stream asks for its connection to be flushed and
 * the flush happens once, after the event loop has processed this round of I/O events (tasks run
 * right after the I/O of the same loop iteration, so no latency is added). Loop thread only.
 */
final class ParentFlush {
  private static final FastThreadLocal<ParentFlush> LOCAL =
      new FastThreadLocal<>() {
        @Override
        protected ParentFlush initialValue() {
          return new ParentFlush();
        }
      };

  /** Connections to flush, in the order they asked (channels compare by identity). */
  private final LinkedHashSet<Channel> pending = new LinkedHashSet<>();

  private boolean scheduled;

  private ParentFlush() {}

  /** Flushes {@code connection} once the current round of I/O events on its loop is done. */
  static void later(Channel connection) {
    LOCAL.get().add(connection);
  }

  private void add(Channel connection) {
    if (pending.add(connection) && !scheduled) {
      scheduled = true;
      connection.eventLoop().execute(this::run);
    }
  }

  private void run() {
    scheduled = false;
    // Flushing may write and complete futures that ask for more flushes: those go to a new round.
    Channel[] now = pending.toArray(new Channel[0]);
    pending.clear();
    for (Channel ch : now) {
      ch.flush();
    }
  }
}
