package io.aralez.dataplane.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.DefaultEventExecutor;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The timer moves earlier when asked, never later, and a cancelled one stays quiet. */
class LazyTimerTest {
  private final DefaultEventExecutor loop = new DefaultEventExecutor();

  @AfterEach
  void stop() {
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  private void onLoop(Runnable r) throws Exception {
    loop.submit(r).get(5, TimeUnit.SECONDS);
  }

  @Test
  void anEarlierTimeReschedules() throws Exception {
    CountDownLatch fired = new CountDownLatch(1);
    LazyTimer[] timer = new LazyTimer[1];
    long start = System.nanoTime();
    onLoop(
        () -> {
          timer[0] = new LazyTimer(loop, fired::countDown);
          timer[0].wakeWithin(TimeUnit.SECONDS.toNanos(30));
          timer[0].wakeWithin(TimeUnit.MILLISECONDS.toNanos(50));
        });
    assertThat(fired.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
  }

  @Test
  void aLaterTimeKeepsTheEarlierWakeUp() throws Exception {
    AtomicInteger fired = new AtomicInteger();
    onLoop(
        () -> {
          LazyTimer timer = new LazyTimer(loop, fired::incrementAndGet);
          timer.wakeWithin(TimeUnit.MILLISECONDS.toNanos(50));
          for (int i = 0; i < 1000; i++) {
            timer.wakeWithin(TimeUnit.SECONDS.toNanos(30));
          }
        });
    // Asking for later never pushed the wake-up back: it fired at ~50 ms, once.
    Thread.sleep(500);
    assertThat(fired.get()).isEqualTo(1);
  }

  @Test
  void cancelledStaysQuiet() throws Exception {
    AtomicInteger fired = new AtomicInteger();
    onLoop(
        () -> {
          LazyTimer timer = new LazyTimer(loop, fired::incrementAndGet);
          timer.wakeWithin(TimeUnit.MILLISECONDS.toNanos(50));
          timer.cancel();
        });
    Thread.sleep(300);
    assertThat(fired.get()).isZero();
  }
}
