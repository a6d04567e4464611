package io.aralez.dataplane.source.discovery;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a discovery provider is answering. Every failure is counted by reason ({@code
 * aralez_discovery_errors_total{provider,reason}}); the log gets one line when the state changes,
 * not one per retry, so an outage of hours does not flood it.
 */
public final class DiscoveryHealth {
  private static final Logger LOG = LoggerFactory.getLogger(DiscoveryHealth.class);

  /** The state as {@code /status?sources} and {@code /readyz} report it. */
  public record State(String provider, boolean ok, String reason, String detail, Instant since) {}

  private final String provider;
  private final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
  private volatile State state;

  public DiscoveryHealth(String provider) {
    this.provider = provider;
    this.state = new State(provider, true, null, "starting", Instant.now());
  }

  public String provider() {
    return provider;
  }

  public State state() {
    return state;
  }

  /**
   * Records a failed call.
   *
   * @param reason a short stable word for the metric label: unreachable, timeout, forbidden,
   *     server_error, bad_response, api_error
   * @param detail a line for the log and status; never a secret
   */
  public synchronized void failed(String reason, String detail) {
    errors.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
    State s = state;
    if (s.ok || !reason.equals(s.reason)) {
      LOG.warn(
          "{} discovery failing ({}: {}); serving the last good backends until it answers again",
          provider,
          reason,
          detail);
      state = new State(provider, false, reason, detail, Instant.now());
    }
  }

  /** Records a good answer. */
  public synchronized void answered() {
    if (!state.ok) {
      LOG.info("{} discovery answers again after {} since {}", provider, state.reason, state.since);
      state = new State(provider, true, null, null, Instant.now());
    } else if (state.detail != null) {
      state = new State(provider, true, null, null, state.since);
    }
  }

  /** Failures so far per reason (read by the metrics at scrape time). */
  public Map<String, Long> errorCounts() {
    Map<String, Long> out = new java.util.TreeMap<>();
    errors.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }
}
