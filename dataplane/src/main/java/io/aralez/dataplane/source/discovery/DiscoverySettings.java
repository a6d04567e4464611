package io.aralez.dataplane.source.discovery;

import io.aralez.dataplane.source.ProviderSettings;
import java.util.List;

/** A provider block that discovers instances of services (Consul, the Kubernetes API). */
public interface DiscoverySettings extends ProviderSettings {
  /** The services written out in upstreams.yaml. */
  List<ServiceSpec> services();
}
