package io.aralez.dataplane.runtime;

import io.aralez.dataplane.config.ProxyConfig;
import io.aralez.dataplane.routing.StickyIds;
import io.aralez.dataplane.upstream.BackendRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the live config and swaps it atomically. Only the {@link ConfigIntake} swaps, after it
 * validated the candidate; a request calls {@link #current()} once and keeps that reference.
 */
public final class ConfigHolder {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigHolder.class);

  private final AtomicReference<ActiveConfig> current = new AtomicReference<>(ActiveConfig.empty());
  private final BackendRegistry backends = new BackendRegistry();
  private final byte[] stickyKey;
  private final List<Consumer<ActiveConfig>> listeners = new CopyOnWriteArrayList<>();
  private volatile boolean loaded;

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

  /** Compiles and swaps in a config the intake validated. */
  synchronized void swap(ProxyConfig config) {
    backends.sync(config);
    ActiveConfig next = ActiveConfig.compile(config, backends, stickyKey);
    current.set(next);
    loaded = true;
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

  public void addListener(Consumer<ActiveConfig> listener) {
    listeners.add(listener);
  }

  /** True once a first valid config was applied (readiness). */
  public boolean loaded() {
    return loaded;
  }
}
