package io.aralez.dataplane.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.dataplane.http.ServerCodec;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One clock read per dispatched event, and never a time from another clock or a closed window. */
class DispatchClockTest {
  final MockTicker ticker = Ticker.newMockTicker();

  @Test
  void aWindowAnswersTheTimeItOpenedAtUntilItCloses() {
    long opened = ticker.nanoTime();
    try (var clock = DispatchClock.open(ticker)) {
      ticker.advance(5, TimeUnit.MILLISECONDS);
      assertThat(DispatchClock.now(ticker)).isEqualTo(opened);
    }
    assertThat(DispatchClock.now(ticker)).isEqualTo(opened + 5_000_000);
  }

  @Test
  void anotherTickerIsReadItselfInsideAWindow() {
    MockTicker other = Ticker.newMockTicker();
    other.advance(7, TimeUnit.SECONDS);
    try (var clock = DispatchClock.open(ticker)) {
      assertThat(DispatchClock.now(other)).isEqualTo(other.nanoTime());
      other.advance(1, TimeUnit.SECONDS);
      assertThat(DispatchClock.now(other)).isEqualTo(other.nanoTime());
      long before = Ticker.systemTicker().nanoTime();
      assertThat(DispatchClock.now()).isBetween(before, Ticker.systemTicker().nanoTime());
    }
  }

  @Test
  void aNestedWindowKeepsTheOuterTimeAndTheOuterCloseEndsIt() {
    long opened = ticker.nanoTime();
    try (var outer = DispatchClock.open(ticker)) {
      ticker.advance(1, TimeUnit.SECONDS);
      try (var inner = DispatchClock.open(ticker)) {
        assertThat(DispatchClock.now(ticker)).isEqualTo(opened);
      }
      assertThat(DispatchClock.now(ticker)).as("still in the outer window").isEqualTo(opened);
    }
    assertThat(DispatchClock.now(ticker)).isEqualTo(opened + 1_000_000_000);
  }

  @Test
  void theWallClockIsReadOncePerWindow() throws InterruptedException {
    try (var clock = DispatchClock.open(ticker)) {
      long first = DispatchClock.wallMillis();
      Thread.sleep(20);
      assertThat(DispatchClock.wallMillis()).isEqualTo(first);
    }
    long before = System.currentTimeMillis();
    assertThat(DispatchClock.wallMillis()).isBetween(before, System.currentTimeMillis());
  }

  /**
   * An HTTP/1.1 connection's first handler, its codec, opens the window: the head deadline its
   * observer sets and the reads of every handler behind it cost one read of the loop's clock per
   * inbound message.
   */
  @Test
  void aClientReadReadsTheLoopClockOnce() {
    CountingTicker counting = new CountingTicker();
    AtomicInteger asked = new AtomicInteger();
    AtomicInteger readsBehind = new AtomicInteger();
    ServerCodec codec = new ServerCodec(new HttpDecoderConfig());
    EmbeddedChannel ch =
        EmbeddedChannel.builder()
            .ticker(counting)
            .handlers(
                codec,
                new ChannelInboundHandlerAdapter() {
                  @Override
                  public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    int before = counting.reads.get();
                    for (int i = 0; i < 5; i++) {
                      DispatchClock.now(ctx.executor().ticker());
                      asked.incrementAndGet();
                    }
                    readsBehind.addAndGet(counting.reads.get() - before);
                    ReferenceCountUtil.release(msg);
                  }
                })
            .build();
    // As the head deadlines do (proxy/HeadTimer): the observer asks the time too.
    codec.observeReads(bytes -> DispatchClock.now(ch.eventLoop().ticker()));
    counting.reads.set(0);
    ch.pipeline()
        .fireChannelRead(
            Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: a\r\n\r\n", StandardCharsets.US_ASCII));
    assertThat(asked).as("the request reached the handler behind").hasValueGreaterThanOrEqualTo(5);
    assertThat(readsBehind).as("reads by the handlers behind the first").hasValue(0);
    assertThat(counting.reads).as("the window's read, the observer's included").hasValue(1);
    ch.finishAndReleaseAll();
  }

  private static final class CountingTicker implements Ticker {
    final AtomicInteger reads = new AtomicInteger();

    @Override
    public long initialNanoTime() {
      return 0;
    }

    @Override
    public long nanoTime() {
      reads.incrementAndGet();
      return System.nanoTime();
    }

    @Override
    public void sleep(long delay, TimeUnit unit) throws InterruptedException {
      unit.sleep(delay);
    }
  }
}
