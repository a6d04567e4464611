package io.aralez.dataplane.source.discovery;

import io.aralez.dataplane.config.HostPort;
import java.util.List;
import java.util.Map;

/**
 * What a discovery provider sees at one moment.
 *
 * @param instances per service name, the addresses of its instances in rotation (sorted); a service
 *     not yet answered for is absent, one with no usable instance maps to an empty list
 * @param tagged services that route themselves (Consul tags), in name order
 * @param warnings things in the provider's data that were skipped, for the log
 */
public record Found(
    Map<String, List<HostPort>> instances, List<ServiceSpec> tagged, List<String> warnings) {
  public static final Found NOTHING = new Found(Map.of(), List.of(), List.of());

  public Found {
    instances = Map.copyOf(instances);
    tagged = List.copyOf(tagged);
    warnings = List.copyOf(warnings);
  }
}
