package io.aralez.dataplane.source;

import io.aralez.dataplane.config.ConfigException;
import io.aralez.dataplane.runtime.ConfigIntake;
import java.io.IOException;

/**
 * Where configs come from: upstreams.yaml, a config push, Consul, the Kubernetes API, the
 * controller. A source only produces {@link Candidate}s and hands them to the {@link ConfigIntake};
 * it never validates or swaps a config itself.
 */
public interface ConfigSource extends AutoCloseable {
  /** Starts producing candidates. Whatever must hold before the proxy listens happens here. */
  void start(ConfigIntake intake) throws ConfigException, IOException;

  /** Reads again now (SIGHUP); sources that are pushed to ignore it. */
  default void reload() {}

  @Override
  void close();
}
