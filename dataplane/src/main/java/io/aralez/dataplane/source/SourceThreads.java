package io.aralez.dataplane.source;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** Config sources run on threads of their own, never on a proxy event loop. */
public final class SourceThreads {
  private SourceThreads() {}

  /** One daemon thread, so a source never keeps the process alive on its own. */
  public static ScheduledExecutorService single(String name) {
    return Executors.newSingleThreadScheduledExecutor(
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
  }
}
