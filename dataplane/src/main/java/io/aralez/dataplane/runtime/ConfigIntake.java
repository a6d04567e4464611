package io.aralez.dataplane.runtime;

import io.aralez.dataplane.config.ConfigValidator;
import io.aralez.dataplane.config.ProxyConfig;
import io.aralez.dataplane.runtime.Candidate.Kind;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way into the {@link ConfigHolder}: every source's candidate is validated here, and only
 * here it is decided whether it replaces the running config. A refused candidate changes nothing
 * but the counters, the log and the reported state; the last good config keeps serving.
 */
public final class ConfigIntake {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigIntake.class);

  /** What became of a candidate; a refusal carries the reason (the controller's NACK). */
  public record Outcome(Result result, String reason) {
    public boolean accepted() {
      return result != Result.REJECTED;
    }
  }

  /** The label of {@code aralez_config_reloads_total{result}}. */
  public enum Result {
    APPLIED,
    UNCHANGED,
    REJECTED;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** What one kind of source last did, for {@code /status?sources}. */
  public record SourceState(
      long applied,
      long unchanged,
      long rejected,
      String lastVersion,
      Instant lastAppliedAt,
      String lastError,
      Instant lastErrorAt) {
    static final SourceState NONE = new SourceState(0, 0, 0, null, null, null, null);

    SourceState applied(String version, Instant at) {
      return new SourceState(applied + 1, unchanged, rejected, version, at, null, lastErrorAt);
    }

    SourceState unchanged(String version) {
      return new SourceState(
          applied, unchanged + 1, rejected, version, lastAppliedAt, lastError, lastErrorAt);
    }

    SourceState rejected(String reason, Instant at) {
      return new SourceState(
          applied, unchanged, rejected + 1, lastVersion, lastAppliedAt, reason, at);
    }
  }

  private final ConfigHolder holder;
  private final Map<Kind, SourceState> states = new EnumMap<>(Kind.class);

  public ConfigIntake(ConfigHolder holder) {
    this.holder = holder;
  }

  public ConfigHolder holder() {
    return holder;
  }

  /** A step that must succeed between validation and the swap (saving a pushed file). */
  public interface Precommit {
    void run() throws java.io.IOException;
  }

  /** Validates the candidate and applies it, or keeps the running config and says why. */
  public Outcome offer(Candidate c) {
    return offer(c, null);
  }

  /**
   * As {@link #offer(Candidate)}, with {@code precommit} run once the candidate is valid and before
   * it is applied; when it fails, nothing is applied.
   */
  public synchronized Outcome offer(Candidate c, Precommit precommit) {
    if (c.config() == null) {
      return reject(c, c.failure());
    }
    for (String w : c.warnings()) {
      LOG.warn("{}: {}", c.origin(), w);
    }
    List<String> problems = ConfigValidator.problems(c.config(), c.kind().operatorWritten());
    if (!problems.isEmpty()) {
      return reject(c, String.join("\n", problems));
    }
    // Before the sameness check: a push saved with ?save must reach the file even when its
    // routes are what already runs.
    if (precommit != null) {
      try {
        precommit.run();
      } catch (java.io.IOException e) {
        return reject(c, "valid, but " + e.getMessage() + "; nothing changed");
      }
    }
    SourceState s = state(c.kind());
    if (holder.loaded() && sameRoutes(holder.current().config(), c.config())) {
      // Discovery often answers with what is already live (a blocking query that timed out, a
      // flapping instance back in place): nothing to compile, nothing to swap.
      states.put(c.kind(), s.unchanged(c.config().version()));
      LOG.debug("config {} from {} is what already runs", c.config().version(), c.origin());
      return new Outcome(Result.UNCHANGED, null);
    }
    holder.swap(c.config());
    states.put(c.kind(), s.applied(c.config().version(), Instant.now()));
    return new Outcome(Result.APPLIED, null);
  }

  private Outcome reject(Candidate c, String reason) {
    states.put(c.kind(), state(c.kind()).rejected(reason, Instant.now()));
    LOG.error(
        "config from {} rejected, keeping config {}:\n{}",
        c.origin(),
        holder.current().config().version(),
        reason);
    return new Outcome(Result.REJECTED, reason);
  }

  private static boolean sameRoutes(ProxyConfig a, ProxyConfig b) {
    return a.sticky().equals(b.sticky())
        && a.hosts().equals(b.hosts())
        && a.certificates().equals(b.certificates())
        && a.acmeChallenges().equals(b.acmeChallenges());
  }

  private SourceState state(Kind kind) {
    return states.getOrDefault(kind, SourceState.NONE);
  }

  /** The state of every kind of source that has offered something. */
  public synchronized Map<Kind, SourceState> states() {
    return Map.copyOf(states);
  }

  /** Candidates of this kind with this result so far (the metrics read it at scrape time). */
  public synchronized long count(Kind kind, Result result) {
    SourceState s = state(kind);
    return switch (result) {
      case APPLIED -> s.applied;
      case UNCHANGED -> s.unchanged;
      case REJECTED -> s.rejected;
    };
  }

  /** Candidates applied so far, of every kind. */
  public synchronized long appliedCount() {
    return states.values().stream().mapToLong(SourceState::applied).sum();
  }

  /** Candidates refused so far, of every kind. */
  public synchronized long rejectedCount() {
    return states.values().stream().mapToLong(SourceState::rejected).sum();
  }

  /** The reason of the newest refusal, if the newest candidate of its kind was refused. */
  public synchronized String lastError() {
    return states.values().stream()
        .filter(s -> s.lastError != null)
        .max((x, y) -> x.lastErrorAt.compareTo(y.lastErrorAt))
        .map(SourceState::lastError)
        .orElse(null);
  }
}
