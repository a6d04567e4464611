package io.aralez.dataplane.source.file;

import io.aralez.dataplane.config.ConfigException;
import io.aralez.dataplane.config.ConfigProblem;
import io.aralez.dataplane.config.yaml.Problems;
import io.aralez.dataplane.runtime.Candidate;
import io.aralez.dataplane.runtime.ConfigIntake;
import io.aralez.dataplane.source.ConfigSource;
import io.aralez.dataplane.source.FolderWatcher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * upstreams.yaml and conf.d, read whole whenever they change (through a {@link FolderWatcher}). A
 * document that parses goes to its {@link Documents} consumer (which makes the candidate: the
 * file's own hosts, or those plus discovered services); one that does not is handed to the intake
 * as a failed candidate. A file caught half-written is read again a few times before it counts.
 */
public final class UpstreamsFileSource implements ConfigSource {
  private static final Logger LOG = LoggerFactory.getLogger(UpstreamsFileSource.class);
  private static final int PARTIAL_WRITE_RETRIES = 5;
  private static final Duration RETRY_DELAY = Duration.ofMillis(100);

  /** Receives every new document that parsed, with the parser's warnings. */
  public interface Documents {
    void accept(UpstreamsDocument document, List<String> warnings);
  }

  private final Path file;
  private final Duration pollInterval;
  private final Documents documents;
  private ConfigIntake intake;
  private FolderWatcher watcher;
  private String lastFingerprint;

  /**
   * @param documents null for provider: file, where the document's hosts are the config
   */
  public UpstreamsFileSource(Path file, Duration pollInterval, Documents documents) {
    this.file = file.toAbsolutePath().normalize();
    this.pollInterval = pollInterval;
    this.documents = documents;
  }

  public Path file() {
    return file;
  }

  /** Reads a document once, as {@code -t} and the start do: a bad file is an error here. */
  public static UpstreamsDocument load(Path file, Problems problems) throws ConfigException {
    UpstreamsFiles.Snapshot snap = UpstreamsFiles.read(file);
    return parse(snap, file, problems);
  }

  private static UpstreamsDocument parse(UpstreamsFiles.Snapshot snap, Path file, Problems problems)
      throws ConfigException {
    return UpstreamsParser.parseDocument(
        snap.main(), snap.splitFiles(), snap.fingerprint(), file.getParent(), problems);
  }

  /**
   * Loads the files synchronously and hands in the first candidate. At startup a bad file is fatal:
   * there is no previous config to keep.
   */
  @Override
  public void start(ConfigIntake intake) throws ConfigException {
    this.intake = intake;
    UpstreamsFiles.Snapshot snap = UpstreamsFiles.read(file);
    Problems problems = new Problems();
    UpstreamsDocument doc = parse(snap, file, problems);
    lastFingerprint = snap.fingerprint();
    ConfigIntake.Outcome first = deliver(doc, problems);
    if (first != null && !first.accepted()) {
      throw new ConfigException(file.toString(), first.reason());
    }
    watcher =
        new FolderWatcher(
            "aralez-upstreams-watch",
            List.of(file.getParent(), UpstreamsFiles.confDir(file)),
            pollInterval,
            () -> read(false));
    watcher.start();
  }

  /** Reads and hands in the files now, even when unchanged (SIGHUP undoes a config push). */
  @Override
  public void reload() {
    read(true);
  }

  private void read(boolean force) {
    try {
      reloadIfChanged(force);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  synchronized void reloadIfChanged(boolean force) throws InterruptedException {
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
      if (!force && snap.fingerprint().equals(lastFingerprint)) {
        return;
      }
      Problems problems = new Problems();
      try {
        UpstreamsDocument doc = parse(snap, file, problems);
        lastFingerprint = snap.fingerprint();
        deliver(doc, problems);
        return;
      } catch (ConfigException e) {
        failure = e;
        if (!snap.main().text().isBlank()) {
          lastFingerprint = snap.fingerprint();
          break;
        }
        Thread.sleep(RETRY_DELAY.toMillis());
      }
    }
    if (failure != null) {
      intake.offer(Candidate.failed(Candidate.Kind.FILE, file.toString(), failure.getMessage()));
    }
  }

  /** Hands the document on; the intake's outcome when it was the whole config, else null. */
  private ConfigIntake.Outcome deliver(UpstreamsDocument doc, Problems problems) {
    List<String> warnings = problems.warnings().stream().map(ConfigProblem::toString).toList();
    if (documents != null) {
      documents.accept(doc, warnings);
      return null;
    }
    return intake.offer(Candidate.of(Candidate.Kind.FILE, file.toString(), doc.hosts(), warnings));
  }

  @Override
  public void close() {
    if (watcher != null) {
      watcher.close();
    }
    LOG.debug("stopped watching {}", file);
  }
}
