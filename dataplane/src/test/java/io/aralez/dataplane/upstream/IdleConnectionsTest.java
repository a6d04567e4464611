package io.aralez.dataplane.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.dataplane.config.HostPort;
import io.aralez.dataplane.config.UpstreamProtocol;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The per-loop store of idle upstream connections, on frozen EmbeddedChannel clocks: newest reused
 * first, each closed when its own idle time ends (one sweep timer that follows the oldest), the cap
 * per key.
 */
class IdleConnectionsTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  private final UpstreamKey key =
      new UpstreamKey(HostPort.parse("127.0.0.1:8080"), UpstreamProtocol.HTTP, null, false, null);

  private static EmbeddedChannel upstream() {
    EmbeddedChannel ch = new EmbeddedChannel(new UpstreamHandler());
    ch.freezeTime();
    return ch;
  }

  private static boolean pool(IdleConnections idle, UpstreamKey key, EmbeddedChannel ch) {
    return idle.put(key, ch, UpstreamHandler.of(ch));
  }

  private static void advance(long nanos, EmbeddedChannel... channels) {
    for (EmbeddedChannel ch : channels) {
      ch.advanceTimeBy(nanos, TimeUnit.NANOSECONDS);
    }
  }

  @Test
  void theNewestIdleConnectionIsReusedFirst() {
    IdleConnections idle = new IdleConnections(SECOND, 8);
    EmbeddedChannel older = upstream();
    EmbeddedChannel newer = upstream();
    assertThat(pool(idle, key, older)).isTrue();
    advance(SECOND / 4, older, newer);
    assertThat(pool(idle, key, newer)).isTrue();
    assertThat(idle.take(key)).isSameAs(newer);
    assertThat(idle.take(key)).isSameAs(older);
    assertThat(idle.take(key)).isNull();
  }

  @Test
  void eachConnectionIsClosedWhenItsOwnIdleTimeEnds() {
    IdleConnections idle = new IdleConnections(SECOND, 8);
    EmbeddedChannel first = upstream();
    EmbeddedChannel second = upstream();
    pool(idle, key, first);
    advance(SECOND * 6 / 10, first, second);
    pool(idle, key, second);
    // The sweep is on the first connection's loop, due one timeout after it was pooled.
    advance(SECOND / 2, first, second);
    first.runScheduledPendingTasks();
    assertThat(first.isOpen()).as("idle 1.1 s").isFalse();
    assertThat(second.isOpen()).as("idle 0.5 s").isTrue();
    advance(SECOND * 6 / 10, first, second);
    long next = first.runScheduledPendingTasks();
    assertThat(second.isOpen()).as("idle 1.1 s").isFalse();
    assertThat(next).as("nothing pooled: no sweep left").isEqualTo(-1);
    assertThat(idle.take(key)).isNull();
  }

  @Test
  void aConnectionPastItsIdleTimeIsNotHandedOutBeforeTheSweep() {
    IdleConnections idle = new IdleConnections(SECOND, 8);
    EmbeddedChannel ch = upstream();
    pool(idle, key, ch);
    advance(SECOND * 2, ch);
    assertThat(idle.take(key)).isNull();
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void aFullKeyAndAClosedServerAreNotPooled() {
    IdleConnections idle = new IdleConnections(SECOND, 1);
    EmbeddedChannel kept = upstream();
    EmbeddedChannel extra = upstream();
    assertThat(pool(idle, key, kept)).isTrue();
    assertThat(pool(idle, key, extra)).isFalse();
    assertThat(extra.isOpen()).isFalse();
    kept.close();
    assertThat(idle.take(key)).as("closed by the server while idle").isNull();
  }
}
