package io.aralez.dataplane.net;

import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.Ticker;

/**
 * The time of the event an event loop is handling, read once per event. A proxied HTTP/1.1 request
 * used to read the clock about a dozen times (request start, head and keep-alive deadlines, timer
 * checks, stall watch, pool idle times, metrics): ~3% of the CPU under load (bench/README.md). The
 * entry points of a dispatch (a read on a client or upstream connection, a timer) open a window in
 * which every {@link #now} answers the time read when it opened; outside a window, and for any
 * other ticker than the one the window was opened with, {@code now} reads the ticker itself. So a
 * time is never older than the start of the event being handled, and never from another clock.
 *
 * <p>nginx does the same, coarser: its time is updated once per pass of its event loop. Here one
 * window is one read of one connection (microseconds of work; a large HTTP/2 read of many frames
 * opens one per frame).
 */
public final class DispatchClock implements AutoCloseable {
  private static final FastThreadLocal<DispatchClock> CURRENT =
      new FastThreadLocal<>() {
        @Override
        protected DispatchClock initialValue() {
          return new DispatchClock();
        }
      };

  private Ticker ticker;
  private long now;
  private int depth;
  // The wall clock in milliseconds, read at the first ask in the window; -1 until then.
  private long wallMillis = -1;

  private DispatchClock() {}

  /**
   * Opens a window on this thread (nested windows keep the outer one's time), to be closed by
   * try-with-resources.
   */
  public static DispatchClock open(Ticker ticker) {
    DispatchClock c = CURRENT.get();
    if (c.depth++ == 0) {
      c.ticker = ticker;
      c.now = ticker.nanoTime();
    }
    return c;
  }

  @Override
  public void close() {
    if (--depth == 0) {
      ticker = null;
      wallMillis = -1;
    }
  }

  /** {@code ticker}'s time, as of the open window's start when the window is on that ticker. */
  public static long now(Ticker ticker) {
    DispatchClock c = CURRENT.get();
    return c.ticker == ticker ? c.now : ticker.nanoTime();
  }

  /** The wall clock (System.currentTimeMillis), read at most once per window. */
  public static long wallMillis() {
    DispatchClock c = CURRENT.get();
    if (c.depth == 0) {
      return System.currentTimeMillis();
    }
    if (c.wallMillis < 0) {
      c.wallMillis = System.currentTimeMillis();
    }
    return c.wallMillis;
  }

  /** The system ticker's time (Netty's event loops run on it), as {@link #now(Ticker)}. */
  public static long now() {
    return now(Ticker.systemTicker());
  }
}
