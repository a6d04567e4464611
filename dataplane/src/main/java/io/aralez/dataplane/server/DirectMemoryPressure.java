package io.aralez.dataplane.server;

import io.aralez.dataplane.admission.Pressure;
import io.netty.util.internal.PlatformDependent;

/**
 * High when Netty's direct buffers use more than a share of the direct-memory limit
 * (-XX:MaxDirectMemorySize, 512 MiB in bin/aralez). Past it new requests and connections are
 * refused, so the ones in flight keep the memory they need and the process never meets an
 * OutOfDirectMemoryError under load.
 */
public final class DirectMemoryPressure implements Pressure {
  private final long bound;

  /**
   * @param percent share of the limit (10 to 100)
   */
  public DirectMemoryPressure(int percent) {
    long max = PlatformDependent.maxDirectMemory();
    // Netty counts only what it allocates without the JDK's cleaner (its default when it can);
    // otherwise usedDirectMemory() is -1 and there is nothing to compare.
    this.bound = max > 0 && PlatformDependent.usedDirectMemory() >= 0 ? max / 100 * percent : -1;
  }

  @Override
  public boolean high() {
    return bound >= 0 && PlatformDependent.usedDirectMemory() > bound;
  }
}
