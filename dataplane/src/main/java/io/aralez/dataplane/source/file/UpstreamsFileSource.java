package io.aralez.dataplane.source.file;

import io.aralez.dataplane.config.ConfigException;
import io.aralez.dataplane.config.ConfigProblem;
import io.aralez.dataplane.config.ProxyConfig;
import io.aralez.dataplane.config.yaml.Problems;
import io.aralez.dataplane.runtime.ConfigHolder;
import io.aralez.dataplane.source.FolderWatcher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@link ConfigHolder} in step with upstreams.yaml and conf.d (through a {@link
 * FolderWatcher}). A change is read whole and applied only if valid; a file caught half-written is
 * read again a few times before it counts as invalid.
 */
public final class UpstreamsFileSource implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(UpstreamsFileSource.class);
  private static final int PARTIAL_WRITE_RETRIES = 5;
  private static final Duration RETRY_DELAY = Duration.ofMillis(100);

  private final Path file;
  private final ConfigHolder holder;
  private final Duration pollInterval;
  private FolderWatcher watcher;
  private String lastFingerprint;

  public UpstreamsFileSource(Path file, ConfigHolder holder, Duration pollInterval) {
    this.file = file.toAbsolutePath().normalize();
    this.holder = holder;
    this.pollInterval = pollInterval;
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
    watcher =
        new FolderWatcher(
            "aralez-upstreams-watch",
            List.of(file.getParent(), UpstreamsFiles.confDir(file)),
            pollInterval,
            this::reloadNow);
    watcher.start();
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
    if (watcher != null) {
      watcher.close();
    }
  }
}
