package io.aralez.dataplane.metrics;

import io.aralez.dataplane.net.DispatchClock;
import io.micrometer.core.instrument.Clock;

/**
 * Micrometer's clock read through {@link DispatchClock}: recording a request's duration reads the
 * wall clock twice (the histogram's and the maximum's time windows), and on an event loop both now
 * share the one read of the event being handled. Off a loop (a scrape) it is the system clock.
 */
final class DispatchMeterClock implements Clock {
  @Override
  public long wallTime() {
    return DispatchClock.wallMillis();
  }

  @Override
  public long monotonicTime() {
    return DispatchClock.now();
  }
}
