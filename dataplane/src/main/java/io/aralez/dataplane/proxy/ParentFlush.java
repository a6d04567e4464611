package io.aralez.dataplane.proxy;

import io.netty.channel.Channel;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

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

  private final Set<Channel> pending = Collections.newSetFromMap(new IdentityHashMap<>());
  private final List<Channel> order = new ArrayList<>();
  private boolean scheduled;

  private ParentFlush() {}

  /** Flushes {@code connection} once the current round of I/O events on its loop is done. */
  static void later(Channel connection) {
    LOCAL.get().add(connection);
  }

  private void add(Channel connection) {
    if (!pending.add(connection)) {
      return;
    }
    order.add(connection);
    if (!scheduled) {
      scheduled = true;
      connection.eventLoop().execute(this::run);
    }
  }

  private void run() {
    scheduled = false;
    // Flushing may write and complete futures that ask for more flushes: those go to a new round.
    Channel[] now = order.toArray(new Channel[0]);
    order.clear();
    pending.clear();
    for (Channel ch : now) {
      ch.flush();
    }
  }
}
