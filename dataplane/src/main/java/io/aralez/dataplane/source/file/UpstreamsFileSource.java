package io.aralez.dataplane.source.file;

import io.aralez.dataplane.config.ConfigException;
import io.aralez.dataplane.config.ConfigProblem;
import io.aralez.dataplane.config.ProxyConfig;
import io.aralez.dataplane.config.yaml.Problems;
import io.aralez.dataplane.runtime.ConfigHolder;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@link ConfigHolder} in step with upstreams.yaml. It watches the folder (editors and
 * ConfigMap mounts replace files rather than write them in place) and also polls, because some
 * mounts deliver no events. A change is debounced, read whole, and applied only if valid; a file
 * caught half-written is read again a few times before it counts as invalid.
 */
public final class UpstreamsFileSource implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(UpstreamsFileSource.class);
  private static final Duration DEBOUNCE = Duration.ofMillis(150);
  private static final int PARTIAL_WRITE_RETRIES = 5;
  private static final Duration RETRY_DELAY = Duration.ofMillis(100);

  private final Path file;
  private final ConfigHolder holder;
  private final Duration pollInterval;
  private final Thread thread;
  private volatile boolean closed;
  private WatchService watcher;
  private String lastFingerprint;

  public UpstreamsFileSource(Path file, ConfigHolder holder, Duration pollInterval) {
    this.file = file.toAbsolutePath().normalize();
    this.holder = holder;
    this.pollInterval = pollInterval;
    this.thread = new Thread(this::run, "aralez-upstreams-watch");
    this.thread.setDaemon(true);
  }

  /**
   * Loads the file once, synchronously. At startup a bad file is fatal: there is no previous config
   * to keep.
   */
  public void loadInitial() throws ConfigException {
    UpstreamsFiles.Snapshot snap = UpstreamsFiles.read(file);
    Problems problems = new Problems();
    ProxyConfig config =
        UpstreamsParser.parse(snap.main(), snap.splitFiles(), snap.fingerprint(), problems);
    logWarnings(problems);
    lastFingerprint = snap.fingerprint();
    holder.apply(config);
  }

  public void start() {
    try {
      watcher = FileSystems.getDefault().newWatchService();
      register(file.getParent());
      Path confD = UpstreamsFiles.confDir(file);
      if (Files.isDirectory(confD)) {
        register(confD);
      }
    } catch (IOException e) {
      LOG.warn(
          "cannot watch {} ({}); falling back to polling only", file.getParent(), e.toString());
    }
    thread.start();
  }

  private void register(Path dir) throws IOException {
    dir.register(
        watcher,
        StandardWatchEventKinds.ENTRY_CREATE,
        StandardWatchEventKinds.ENTRY_MODIFY,
        StandardWatchEventKinds.ENTRY_DELETE);
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
        reloadIfChanged();
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      } catch (RuntimeException e) {
        LOG.error("upstreams watcher failed; continuing", e);
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
    if (watcher == null) {
      return false;
    }
    boolean any = false;
    WatchKey key;
    while ((key = watcher.poll()) != null) {
      key.pollEvents();
      key.reset();
      any = true;
    }
    return any;
  }

  /** Checks the files now instead of at the next event or poll (SIGHUP). */
  public void reloadNow() {
    try {
      reloadIfChanged();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Reads the files; applies or rejects them when their content changed. */
  synchronized void reloadIfChanged() throws InterruptedException {
    ConfigException failure = null;
    for (int attempt = 0; attempt <= PARTIAL_WRITE_RETRIES; attempt++) {
      UpstreamsFiles.Snapshot snap;
      try {
        snap = UpstreamsFiles.read(file);
      } catch (ConfigException e) {
        failure = e;
        Thread.sleep(RETRY_DELAY.toMillis());
        continue;
      }
      if (snap.fingerprint().equals(lastFingerprint)) {
        return;
      }
      Problems problems = new Problems();
      try {
        ProxyConfig config =
            UpstreamsParser.parse(snap.main(), snap.splitFiles(), snap.fingerprint(), problems);
        logWarnings(problems);
        lastFingerprint = snap.fingerprint();
        holder.apply(config);
        return;
      } catch (ConfigException e) {
        failure = e;
        if (!looksHalfWritten(snap)) {
          lastFingerprint = snap.fingerprint();
          break;
        }
        Thread.sleep(RETRY_DELAY.toMillis());
      }
    }
    if (failure != null) {
      holder.reject(file.toString(), failure.getMessage());
    }
  }

  private static boolean looksHalfWritten(UpstreamsFiles.Snapshot snap) {
    return snap.main().text().isBlank();
  }

  private static void logWarnings(Problems problems) {
    for (ConfigProblem w : problems.warnings()) {
      LOG.warn("{}", w);
    }
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
