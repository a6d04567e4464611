package io.aralez.dataplane.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.FastThreadLocalThread;

/**
 * A channel allocator that serves the small {@code buffer(int)}, {@code directBuffer(int)} and
 * {@code ioBuffer(int)} requests of an event loop from a ring of buffers it keeps, and everything
 * else from Netty's allocator. Netty's HTTP/1.1 encoder asks for a new buffer for every message
 * head it writes (two per proxied request) and the HTTP/2 codec one for every frame header; each
 * went through the allocator and back (~3% of the CPU, bench/README.md), although the previous
 * head's buffer is written out and free again long before the next head.
 *
 * <p>A ring buffer is free when its only reference is the ring's own (reference count 1): it is
 * then cleared and handed out with one more reference, which the user releases as usual. One still
 * in flight (a slow client's pending write) is skipped, and after a few busy slots the request goes
 * to Netty's allocator. Off an event loop, and for requests above {@link #MAX_REQUEST} bytes,
 * nothing changes. A slot whose buffer grew past {@link #MAX_KEPT} is given back and made anew, so
 * the ring holds at most {@code SLOTS × MAX_KEPT} bytes per loop; the loop's end releases it.
 *
 * <p>The price: a user that never releases a ring buffer is not reported by Netty's leak detector
 * (the ring still references it); the slot just stays busy and its requests go to the allocator.
 */
public final class SmallBufferRing implements ByteBufAllocator {
  // HTTP/1.1 keep-alive hits every time with a handful in flight. HTTP/2 over TLS holds dozens
  // (HEADERS and DATA frame headers queued until the batch's flush) and misses often, where the
  // request then costs what it did before; 64 slots and four tries missed less there but did not
  // win its A/B (bench/README.md), so the ring stays small.
  static final int SLOTS = 16;
  static final int MAX_REQUEST = 2048;
  static final int MAX_KEPT = 8192;
  private static final int FIRST_CAPACITY = 512;
  // Slots looked at before going to the allocator: a busy one means a write is still pending.
  private static final int TRIES = 2;

  /** The one ring of every event loop, over Netty's default allocator. */
  public static final SmallBufferRing SHARED = new SmallBufferRing(ByteBufAllocator.DEFAULT);

  private final ByteBufAllocator delegate;
  private final FastThreadLocal<Ring> rings =
      new FastThreadLocal<>() {
        @Override
        protected Ring initialValue() {
          return new Ring();
        }

        @Override
        protected void onRemoval(Ring ring) {
          ring.releaseAll();
        }
      };

  public SmallBufferRing(ByteBufAllocator delegate) {
    this.delegate = delegate;
  }

  @Override
  public ByteBuf buffer(int initialCapacity) {
    ByteBuf b = fromRing(initialCapacity);
    return b != null ? b : delegate.buffer(initialCapacity);
  }

  /**
   * The read loop's buffers too (both native transports ask for a direct one per read): a request
   * and its answer are two reads, each a buffer from the allocator and back before, ~5% of the
   * HTTP/1.1 path's user time (bench/README.md, fifteenth session). Ring buffers are direct.
   */
  @Override
  public ByteBuf directBuffer(int initialCapacity) {
    ByteBuf b = fromRing(initialCapacity);
    return b != null ? b : delegate.directBuffer(initialCapacity);
  }

  @Override
  public ByteBuf ioBuffer(int initialCapacity) {
    ByteBuf b = fromRing(initialCapacity);
    return b != null ? b : delegate.ioBuffer(initialCapacity);
  }

  private ByteBuf fromRing(int capacity) {
    if (capacity > MAX_REQUEST || !(Thread.currentThread() instanceof FastThreadLocalThread)) {
      return null;
    }
    return rings.get().take(capacity, delegate);
  }

  /** One event loop's buffers; only its own thread touches the slots. */
  private static final class Ring {
    private final ByteBuf[] slots = new ByteBuf[SLOTS];
    private int next;

    /**
     * A free buffer of at least {@code capacity}, holding one reference for the caller, or null.
     */
    ByteBuf take(int capacity, ByteBufAllocator delegate) {
      for (int t = 0; t < TRIES; t++) {
        int i = next;
        next = (i + 1) & (SLOTS - 1);
        ByteBuf b = slots[i];
        int refs = b == null ? 0 : b.refCnt();
        if (refs > 1) {
          // Still in flight.
          continue;
        }
        if (refs == 1 && b.capacity() <= MAX_KEPT) {
          b.clear();
          if (b.capacity() < capacity) {
            b.capacity(capacity);
          }
          return b.retain();
        }
        if (refs == 1) {
          // Grown past what a slot keeps.
          b.release();
        }
        // Empty, grown too big, or released entirely by a user (refs 0): a new one for the slot.
        b = delegate.directBuffer(Math.max(capacity, FIRST_CAPACITY));
        slots[i] = b;
        return b.retain();
      }
      return null;
    }

    void releaseAll() {
      for (int i = 0; i < SLOTS; i++) {
        ByteBuf b = slots[i];
        slots[i] = null;
        if (b != null && b.refCnt() > 0) {
          b.release();
        }
      }
    }
  }

  // ---- everything else: Netty's allocator ----

  @Override
  public ByteBuf buffer() {
    return delegate.buffer();
  }

  @Override
  public ByteBuf buffer(int initialCapacity, int maxCapacity) {
    return delegate.buffer(initialCapacity, maxCapacity);
  }

  @Override
  public ByteBuf ioBuffer() {
    return delegate.ioBuffer();
  }

  @Override
  public ByteBuf ioBuffer(int initialCapacity, int maxCapacity) {
    return delegate.ioBuffer(initialCapacity, maxCapacity);
  }

  @Override
  public ByteBuf heapBuffer() {
    return delegate.heapBuffer();
  }

  @Override
  public ByteBuf heapBuffer(int initialCapacity) {
    return delegate.heapBuffer(initialCapacity);
  }

  @Override
  public ByteBuf heapBuffer(int initialCapacity, int maxCapacity) {
    return delegate.heapBuffer(initialCapacity, maxCapacity);
  }

  @Override
  public ByteBuf directBuffer() {
    return delegate.directBuffer();
  }

  @Override
  public ByteBuf directBuffer(int initialCapacity, int maxCapacity) {
    return delegate.directBuffer(initialCapacity, maxCapacity);
  }

  @Override
  public CompositeByteBuf compositeBuffer() {
    return delegate.compositeBuffer();
  }

  @Override
  public CompositeByteBuf compositeBuffer(int maxNumComponents) {
    return delegate.compositeBuffer(maxNumComponents);
  }

  @Override
  public CompositeByteBuf compositeHeapBuffer() {
    return delegate.compositeHeapBuffer();
  }

  @Override
  public CompositeByteBuf compositeHeapBuffer(int maxNumComponents) {
    return delegate.compositeHeapBuffer(maxNumComponents);
  }

  @Override
  public CompositeByteBuf compositeDirectBuffer() {
    return delegate.compositeDirectBuffer();
  }

  @Override
  public CompositeByteBuf compositeDirectBuffer(int maxNumComponents) {
    return delegate.compositeDirectBuffer(maxNumComponents);
  }

  @Override
  public boolean isDirectBufferPooled() {
    return delegate.isDirectBufferPooled();
  }

  @Override
  public int calculateNewCapacity(int minNewCapacity, int maxCapacity) {
    return delegate.calculateNewCapacity(minNewCapacity, maxCapacity);
  }
}
