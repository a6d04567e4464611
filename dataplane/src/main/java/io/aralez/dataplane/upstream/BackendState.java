package io.aralez.dataplane.upstream;

import io.aralez.dataplane.config.HostPort;
import io.aralez.dataplane.config.UpstreamProtocol;
import java.util.concurrent.atomic.LongAdder;

/**
 * What is known about one backend address: health, detected protocol, counters. One instance per
 * address survives config reloads for as long as some route lists the address, so a reload never
 * resets health or detection. Health fields are written by the health checker and by requests
 * (passive marking) and read by requests: volatile, with benign races.
 */
public final class BackendState {
  private final HostPort address;
  private volatile boolean healthy = true;
  private volatile UpstreamProtocol detected;
  private volatile String lastError;
  // Written only by the health checker's thread.
  private int okStreak;
  private int failStreak;
  private final LongAdder requests = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final BackendGate gate = new BackendGate();
  private final LatencyScore latency = new LatencyScore();

  /**
   * The pool keys of this address without TLS, one per protocol, made on first use: a request to a
   * plain backend then takes its key instead of building and hashing one. Filled racily by every
   * loop; a key has only final fields, so a loop sees null (and makes an equal one) or a whole key.
   */
  private final UpstreamKey[] plainKeys = new UpstreamKey[UpstreamProtocol.values().length];

  BackendState(HostPort address) {
    this.address = address;
  }

  public HostPort address() {
    return address;
  }

  public boolean healthy() {
    return healthy;
  }

  /** The protocol found by detection, or null while unknown. */
  public UpstreamProtocol detected() {
    return detected;
  }

  public String lastError() {
    return lastError;
  }

  /** The pool key for {@code protocol} (without TLS) to this address. */
  UpstreamKey plainKey(UpstreamProtocol protocol) {
    UpstreamKey key = plainKeys[protocol.ordinal()];
    if (key == null) {
      key = new UpstreamKey(address, protocol, null, false, null);
      plainKeys[protocol.ordinal()] = key;
    }
    return key;
  }

  /** Requests in flight to this address and the queue in front of its cap. */
  public BackendGate gate() {
    return gate;
  }

  /** Requests in flight and response times, for routes balanced by EWMA. */
  public LatencyScore latency() {
    return latency;
  }

  public long requests() {
    return requests.sum();
  }

  public long failures() {
    return failures.sum();
  }

  public void countRequest() {
    requests.increment();
  }

  /**
   * Passive health: a request could not connect. The backend leaves rotation until probes bring it
   * back ({@code rise} successes), and its protocol is detected again.
   */
  public void markConnectFailure(String error, boolean healthChecked) {
    failures.increment();
    lastError = error;
    if (healthChecked) {
      healthy = false;
      okStreak = 0;
    }
  }

  void detected(UpstreamProtocol p) {
    detected = p;
  }

  /** Records a probe result and applies the rise/fall thresholds; true when health changed. */
  boolean probeResult(boolean ok, String error, int rise, int fall) {
    if (ok) {
      failStreak = 0;
      okStreak++;
      if (!healthy && okStreak >= rise) {
        healthy = true;
        lastError = null;
        return true;
      }
    } else {
      okStreak = 0;
      failStreak++;
      lastError = error;
      if (healthy && failStreak >= fall) {
        healthy = false;
        return true;
      }
    }
    return false;
  }
}
