package io.aralez.dataplane.runtime;

import io.aralez.dataplane.config.ProxyConfig;
import io.aralez.dataplane.routing.StickyIds;
import io.aralez.dataplane.upstream.BackendRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single place a config becomes live. Every source (file, API push, controller) calls {@link
 * #apply} or {@link #reject}; a request calls {@link #current()} once and keeps that reference.
 */
public final class ConfigHolder {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigHolder.class);

  private final AtomicReference<ActiveConfig> current = new AtomicReference<>(ActiveConfig.empty());
  private final BackendRegistry backends = new BackendRegistry();
  private final byte[] stickyKey;
  private final List<Consumer<ActiveConfig>> listeners = new CopyOnWriteArrayList<>();
  private final AtomicLong applied = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private volatile boolean loaded;
  private volatile String lastError;

  public ConfigHolder() {
    this(StickyIds.DEFAULT_KEY);
  }

  /**
   * @param stickyKey key for sticky-session ids (derived from master_key when set)
   */
  public ConfigHolder(byte[] stickyKey) {
    this.stickyKey = stickyKey.clone();
  }

  public BackendRegistry backends() {
    return backends;
  }

  public ActiveConfig current() {
    return current.get();
  }

  /** Compiles and swaps in a validated config. */
  public synchronized void apply(ProxyConfig config) {
    backends.sync(config);
    ActiveConfig next = ActiveConfig.compile(config, backends, stickyKey);
    current.set(next);
    loaded = true;
    lastError = null;
    applied.incrementAndGet();
    LOG.info(
        "config {} from {} applied: {} hosts, {} routes",
        config.version(),
        config.source(),
        config.hosts().size(),
        config.hosts().stream().mapToInt(h -> h.routes().size()).sum());
    for (Consumer<ActiveConfig> l : listeners) {
      try {
        l.accept(next);
      } catch (RuntimeException e) {
        // The config is live already; a listener failing must not undo or hide that.
        LOG.error("config listener failed", e);
      }
    }
  }

  /** Records a config that failed validation: nothing changes but the counters and the reason. */
  public void reject(String source, String reason) {
    rejected.incrementAndGet();
    lastError = reason;
    LOG.error("config from {} rejected, keeping the current one:\n{}", source, reason);
  }

  public void addListener(Consumer<ActiveConfig> listener) {
    listeners.add(listener);
  }

  /** True once a first valid config was applied (readiness). */
  public boolean loaded() {
    return loaded;
  }

  public long appliedCount() {
    return applied.get();
  }

  public long rejectedCount() {
    return rejected.get();
  }

  public String lastError() {
    return lastError;
  }
}
