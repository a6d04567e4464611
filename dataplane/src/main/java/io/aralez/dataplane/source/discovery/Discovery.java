package io.aralez.dataplane.source.discovery;

/** A running watch of one provider (Consul, the Kubernetes API) for the services it is given. */
public interface Discovery extends AutoCloseable {
  /** Starts watching; {@code onChange} gets every new complete view, on the provider's thread. */
  void start(java.util.function.Consumer<Found> onChange);

  @Override
  void close();
}
