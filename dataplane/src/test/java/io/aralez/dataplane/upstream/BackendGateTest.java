package io.aralez.dataplane.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BackendGateTest {
  private final DefaultEventLoop loop = new DefaultEventLoop();
  private final BackendGate gate = new BackendGate();
  private static final Duration LONG = Duration.ofMinutes(5);

  @AfterEach
  void stop() {
    loop.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS);
  }

  @Test
  void placesUpToTheCapThenAQueueThenRefusal() {
    Future<BackendGate.Slot> a = gate.acquire(loop, 2, 1, LONG);
    Future<BackendGate.Slot> b = gate.acquire(loop, 2, 1, LONG);
    Future<BackendGate.Slot> c = gate.acquire(loop, 2, 1, LONG);
    Future<BackendGate.Slot> d = gate.acquire(loop, 2, 1, LONG);
    assertThat(a.isSuccess()).isTrue();
    assertThat(b.isSuccess()).isTrue();
    assertThat(c.isDone()).isFalse();
    assertThat(d.cause()).isInstanceOf(BackendGate.Refused.class);
    assertThat(((BackendGate.Refused) d.cause()).queueFull()).isTrue();
    assertThat(gate.inFlight()).isEqualTo(2);
    assertThat(gate.queued()).isEqualTo(1);

    a.getNow().release();
    a.getNow().release(); // twice is once
    assertThat(c.awaitUninterruptibly().isSuccess()).isTrue();
    assertThat(gate.inFlight()).isEqualTo(2);
    assertThat(gate.queued()).isZero();
    b.getNow().release();
    c.getNow().release();
    assertThat(gate.inFlight()).isZero();
  }

  @Test
  void waitersAreServedOldestFirstAndACancelledOneIsSkipped() {
    BackendGate.Slot held = gate.acquire(loop, 1, 10, LONG).getNow();
    Future<BackendGate.Slot> first = gate.acquire(loop, 1, 10, LONG);
    Future<BackendGate.Slot> second = gate.acquire(loop, 1, 10, LONG);
    Future<BackendGate.Slot> third = gate.acquire(loop, 1, 10, LONG);
    second.cancel(false);
    loop.submit(() -> {}).awaitUninterruptibly(); // its listeners run on the loop
    assertThat(gate.queued()).isEqualTo(2);
    held.release();
    assertThat(first.awaitUninterruptibly().isSuccess()).isTrue();
    assertThat(third.isDone()).isFalse();
    first.getNow().release();
    assertThat(third.awaitUninterruptibly().isSuccess()).isTrue();
    third.getNow().release();
    assertThat(gate.inFlight()).isZero();
  }

  @Test
  void aWaiterTimesOutAndLeavesTheQueue() {
    BackendGate.Slot held = gate.acquire(loop, 1, 10, LONG).getNow();
    Future<BackendGate.Slot> waiter = gate.acquire(loop, 1, 10, Duration.ofMillis(20));
    waiter.awaitUninterruptibly();
    assertThat(((BackendGate.Refused) waiter.cause()).queueFull()).isFalse();
    assertThat(gate.queued()).isZero();
    held.release();
    assertThat(gate.inFlight()).isZero();
  }

  @Test
  void aWaiterWhoseRouteAllowsFewerWaitsUntilThereAreFewer() {
    BackendGate.Slot a = gate.acquire(loop, 3, 10, LONG).getNow();
    BackendGate.Slot b = gate.acquire(loop, 3, 10, LONG).getNow();
    BackendGate.Slot c = gate.acquire(loop, 3, 10, LONG).getNow();
    Future<BackendGate.Slot> strict = gate.acquire(loop, 1, 10, LONG);
    a.release();
    b.release();
    assertThat(strict.isDone()).isFalse();
    c.release();
    assertThat(strict.awaitUninterruptibly().isSuccess()).isTrue();
    assertThat(gate.inFlight()).isEqualTo(1);
  }
}
