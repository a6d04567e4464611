package io.aralez.dataplane.source.discovery;

import io.aralez.dataplane.config.ConfigException;
import io.aralez.dataplane.config.ProxyConfig;
import io.aralez.dataplane.runtime.Candidate;
import io.aralez.dataplane.runtime.ConfigIntake;
import io.aralez.dataplane.source.ConfigSource;
import io.aralez.dataplane.source.SourceThreads;
import io.aralez.dataplane.source.file.UpstreamsDocument;
import io.aralez.dataplane.source.file.UpstreamsFileSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A discovery provider (Consul, the Kubernetes API) together with upstreams.yaml: the file gives
 * the globals, its own hosts and the listed services, and stays hot-reloaded; discovery gives the
 * instances. Either side changing makes one new candidate. Changes close together are coalesced (a
 * {@link #HOLDOFF}), so a flapping service cannot swap the config at the rate it flaps.
 */
public final class DiscoverySource implements ConfigSource {
  private static final Logger LOG = LoggerFactory.getLogger(DiscoverySource.class);

  /** Discovery events closer than this become one candidate. */
  static final Duration HOLDOFF = Duration.ofMillis(100);

  /** At start, how long the first answer is waited for before the file's hosts serve anyway. */
  static final Duration FIRST_ANSWER = Duration.ofSeconds(5);

  private final Candidate.Kind kind;
  private final UpstreamsFileSource file;
  private final Function<DiscoverySettings, Discovery> discoveries;
  private final CountDownLatch firstAnswer = new CountDownLatch(1);
  private final ScheduledExecutorService thread = SourceThreads.single("aralez-discovery");
  private ConfigIntake intake;
  // Guarded by this.
  private UpstreamsDocument doc;
  private List<String> docWarnings = List.of();
  private DiscoverySettings settings;
  private Discovery discovery;
  private Found found = Found.NOTHING;
  private boolean publishScheduled;
  private volatile boolean closed;

  /**
   * @param discoveries makes the watch for a provider block (again whenever the block changes)
   */
  public DiscoverySource(
      Candidate.Kind kind,
      Path upstreams,
      Duration pollInterval,
      Function<DiscoverySettings, Discovery> discoveries) {
    this.kind = kind;
    this.discoveries = discoveries;
    this.file = new UpstreamsFileSource(upstreams, pollInterval, this::onDocument);
  }

  @Override
  public void start(ConfigIntake intake) throws ConfigException {
    this.intake = intake;
    file.start(intake);
    try {
      if (!firstAnswer.await(FIRST_ANSWER.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn(
            "{} gave no answer within {} s; serving without its backends until it does",
            kind.label(),
            FIRST_ANSWER.toSeconds());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ConfigIntake.Outcome first = publish();
    if (!first.accepted()) {
      throw new ConfigException(file.file().toString(), first.reason());
    }
  }

  @Override
  public void reload() {
    file.reload();
  }

  private synchronized void onDocument(UpstreamsDocument next, List<String> warnings) {
    if (next.provider().kind() != kind) {
      intake.offer(
          Candidate.failed(
              Candidate.Kind.FILE,
              file.file().toString(),
              "provider changed from "
                  + kind.label()
                  + " to "
                  + next.provider().kind().label()
                  + ": restart aralez to switch providers"));
      return;
    }
    doc = next;
    docWarnings = warnings;
    if (!next.provider().equals(settings)) {
      if (discovery != null) {
        LOG.info("{} settings changed: watching again", kind.label());
        discovery.close();
      }
      settings = (DiscoverySettings) next.provider();
      discovery = discoveries.apply(settings);
      discovery.start(this::onFound);
    }
    if (intake.holder().loaded()) {
      schedulePublish();
    }
  }

  private synchronized void onFound(Found next) {
    found = next;
    firstAnswer.countDown();
    if (intake.holder().loaded()) {
      schedulePublish();
    }
  }

  private synchronized void schedulePublish() {
    if (!publishScheduled && !closed) {
      publishScheduled = true;
      thread.schedule(this::publish, HOLDOFF.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private synchronized ConfigIntake.Outcome publish() {
    publishScheduled = false;
    List<String> warnings = new ArrayList<>(docWarnings);
    warnings.addAll(found.warnings());
    List<ServiceSpec> listed = settings.services();
    ProxyConfig config =
        DiscoveryComposer.compose(doc, listed, found, kind.label() + " + " + file.file(), warnings);
    // The file's warnings were said when it was read; discovery's each time they are new.
    docWarnings = List.of();
    found = new Found(found.instances(), found.tagged(), List.of());
    return intake.offer(Candidate.of(kind, kind.label(), config, warnings));
  }

  @Override
  public synchronized void close() {
    closed = true;
    file.close();
    if (discovery != null) {
      discovery.close();
    }
    thread.shutdownNow();
  }
}
