package io.aralez.dataplane.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Small buffers used again on an event loop, never while someone still holds one. */
class SmallBufferRingTest {
  final SmallBufferRing ring = new SmallBufferRing(new UnpooledByteBufAllocator(true));

  /** Runs {@code body} on a thread like an event loop's, and lets its end release the ring. */
  static void onLoop(ThrowingRunnable body) throws Exception {
    AtomicReference<Throwable> failed = new AtomicReference<>();
    Thread t =
        new FastThreadLocalThread(
            () -> {
              try {
                body.run();
              } catch (Throwable e) {
                failed.set(e);
              }
            });
    t.start();
    t.join();
    if (failed.get() instanceof Exception e) {
      throw e;
    } else if (failed.get() instanceof Error e) {
      throw e;
    }
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void aReleasedBufferIsHandedOutAgainCleared() throws Exception {
    onLoop(
        () -> {
          List<ByteBuf> first = new ArrayList<>();
          for (int i = 0; i < SmallBufferRing.SLOTS; i++) {
            ByteBuf b = ring.buffer(100);
            b.writeLong(42);
            first.add(b);
          }
          first.forEach(ByteBuf::release);
          ByteBuf again = ring.buffer(100);
          assertThat(again).isSameAs(first.get(0));
          assertThat(again.readableBytes()).isZero();
          assertThat(again.refCnt()).as("the ring's and the user's").isEqualTo(2);
          again.release();
        });
  }

  @Test
  void theReadLoopsDirectBuffersComeFromTheRingToo() throws Exception {
    onLoop(
        () -> {
          ByteBuf read = ring.directBuffer(256);
          assertThat(read.isDirect()).isTrue();
          assertThat(read.refCnt()).as("the ring's and the reader's").isEqualTo(2);
          read.release();
          ByteBuf io = null;
          for (int i = 0; i < SmallBufferRing.SLOTS && io != read; i++) {
            if (io != null) {
              io.release();
            }
            io = ring.ioBuffer(128);
          }
          assertThat(io).as("the released read buffer, handed out again").isSameAs(read);
          io.release();
          ByteBuf big = ring.directBuffer(SmallBufferRing.MAX_REQUEST + 1);
          assertThat(big.refCnt()).as("a large one from the allocator").isEqualTo(1);
          big.release();
        });
  }

  @Test
  void aBufferInFlightIsNeverHandedOutTwice() throws Exception {
    onLoop(
        () -> {
          Set<ByteBuf> held = Collections.newSetFromMap(new IdentityHashMap<>());
          for (int i = 0; i < 3 * SmallBufferRing.SLOTS; i++) {
            ByteBuf b = ring.buffer(64);
            assertThat(held.add(b)).as("buffer %d is not one still held", i).isTrue();
          }
          held.forEach(ByteBuf::release);
          assertThat(held).allMatch(b -> b.refCnt() <= 1);
        });
  }

  @Test
  void aBufferReleasedEntirelyByItsUserIsReplaced() throws Exception {
    onLoop(
        () -> {
          ByteBuf b = ring.buffer(64);
          b.release(b.refCnt());
          for (int i = 0; i < SmallBufferRing.SLOTS; i++) {
            ByteBuf next = ring.buffer(64);
            assertThat(next.refCnt()).isPositive();
            next.writeInt(i);
            next.release();
          }
        });
  }

  @Test
  void aBufferGrownPastTheKeptSizeIsGivenBack() throws Exception {
    onLoop(
        () -> {
          ByteBuf b = ring.buffer(64);
          b.writeZero(SmallBufferRing.MAX_KEPT + 1);
          b.release();
          for (int i = 0; i < SmallBufferRing.SLOTS - 1; i++) {
            ring.buffer(64).release();
          }
          ByteBuf slot = ring.buffer(64);
          assertThat(b.refCnt()).as("the big one released").isZero();
          assertThat(slot).isNotSameAs(b);
          assertThat(slot.capacity()).isLessThanOrEqualTo(SmallBufferRing.MAX_KEPT);
          slot.release();
        });
  }

  @Test
  void largeRequestsAndOtherThreadsGoToTheAllocator() throws Exception {
    ByteBuf offLoop = ring.buffer(64);
    assertThat(offLoop.refCnt()).as("not kept by a ring").isEqualTo(1);
    offLoop.release();
    onLoop(
        () -> {
          ByteBuf big = ring.buffer(SmallBufferRing.MAX_REQUEST + 1);
          assertThat(big.refCnt()).isEqualTo(1);
          big.release();
          assertThat(big.refCnt()).isZero();
        });
  }

  @Test
  void theLoopsEndReleasesTheRing() throws Exception {
    List<ByteBuf> seen = new ArrayList<>();
    onLoop(
        () -> {
          for (int i = 0; i < SmallBufferRing.SLOTS; i++) {
            ByteBuf b = ring.buffer(64);
            seen.add(b);
            b.release();
          }
          assertThat(seen).allMatch(b -> b.refCnt() == 1);
        });
    assertThat(seen).allMatch(b -> b.refCnt() == 0);
  }
}
