package io.aralez.dataplane.source;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls back when files in some folders may have changed. It watches the folders (editors and
 * ConfigMap mounts replace files rather than write them in place, so folders are watched, not
 * files) and also fires every poll interval, because some mounts deliver no events; the callback
 * decides by content whether anything really changed. Bursts of events are debounced.
 */
public final class FolderWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FolderWatcher.class);
  private static final Duration DEBOUNCE = Duration.ofMillis(150);

  private final List<Path> folders;
  private final Duration pollInterval;
  private final Runnable onChange;
  private final Thread thread;
  private volatile boolean closed;
  private WatchService watcher;

  public FolderWatcher(String name, List<Path> folders, Duration pollInterval, Runnable onChange) {
    this.folders = List.copyOf(folders);
    this.pollInterval = pollInterval;
    this.onChange = onChange;
    this.thread = new Thread(this::run, name);
    this.thread.setDaemon(true);
  }

  public void start() {
    try {
      watcher = FileSystems.getDefault().newWatchService();
      for (Path dir : folders) {
        if (Files.isDirectory(dir)) {
          dir.register(
              watcher,
              StandardWatchEventKinds.ENTRY_CREATE,
              StandardWatchEventKinds.ENTRY_MODIFY,
              StandardWatchEventKinds.ENTRY_DELETE);
        }
      }
    } catch (IOException e) {
      LOG.warn("cannot watch {} ({}); polling only", folders, e.toString());
    }
    thread.start();
  }

  private void run() {
    while (!closed) {
      try {
        if (waitForEvent()) {
          // Let a burst of writes (editor save, ConfigMap swap) settle before reading.
          do {
            Thread.sleep(DEBOUNCE.toMillis());
          } while (drainEvents());
        }
        onChange.run();
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      } catch (RuntimeException e) {
        LOG.error("watcher of {} failed; continuing", folders, e);
      }
    }
  }

  /** Blocks up to the poll interval; true when a file event arrived. */
  private boolean waitForEvent() throws InterruptedException {
    if (watcher == null) {
      Thread.sleep(pollInterval.toMillis());
      return false;
    }
    WatchKey key = watcher.poll(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
    if (key == null) {
      return false;
    }
    key.pollEvents();
    key.reset();
    return true;
  }

  private boolean drainEvents() {
    boolean any = false;
    WatchKey key;
    while ((key = watcher.poll()) != null) {
      key.pollEvents();
      key.reset();
      any = true;
    }
    return any;
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    if (watcher != null) {
      try {
        watcher.close();
      } catch (IOException e) {
        LOG.debug("closing watcher", e);
      }
    }
  }
}
