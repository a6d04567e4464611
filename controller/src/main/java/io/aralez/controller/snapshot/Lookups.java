package io.aralez.controller.snapshot;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The cluster state indexed for the processors: by "namespace/name", slices by their Service. */
final class Lookups {
  static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  private final Map<String, Service> services = new HashMap<>();
  private final Map<String, List<EndpointSlice>> slices = new HashMap<>();
  private final Map<String, Secret> secrets = new HashMap<>();

  Lookups(List<Service> services, List<EndpointSlice> slices, List<Secret> secrets) {
    for (Service s : services) {
      this.services.put(key(s), s);
    }
    for (EndpointSlice es : slices) {
      Map<String, String> labels = es.getMetadata().getLabels();
      String svc = labels == null ? null : labels.get(SERVICE_NAME_LABEL);
      if (svc != null) {
        this.slices
            .computeIfAbsent(es.getMetadata().getNamespace() + "/" + svc, k -> new ArrayList<>())
            .add(es);
      }
    }
    for (Secret s : secrets) {
      this.secrets.put(key(s), s);
    }
  }

  private final Map<String, io.fabric8.kubernetes.api.model.ConfigMap> configMaps = new HashMap<>();

  static Lookups of(ClusterState state) {
    Lookups l = new Lookups(state.services(), state.endpointSlices(), state.secrets());
    for (var c : state.configMaps()) {
      l.configMaps.put(key(c), c);
    }
    return l;
  }

  /** A referenced ConfigMap ("namespace/name"), or null when it does not exist (or is not read). */
  io.fabric8.kubernetes.api.model.ConfigMap configMap(String nsName) {
    return configMaps.get(nsName);
  }

  Service service(String nsName) {
    return services.get(nsName);
  }

  List<EndpointSlice> slices(String serviceNsName) {
    return slices.getOrDefault(serviceNsName, List.of());
  }

  Secret secret(String nsName) {
    return secrets.get(nsName);
  }

  static String key(HasMetadata o) {
    return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
  }
}
