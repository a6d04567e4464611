package io.aralez.controller.snapshot;

import io.aralez.controller.crd.AralezRoute;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import java.util.List;

/**
 * A read-only view of the informer caches: everything the builder may look at. The lists are
 * copies; their order does not matter (the builder sorts).
 *
 * @param secrets only the Secrets some served object references
 * @param nginxConfig the data of ingress-nginx's controller ConfigMap ({@code --nginx-configmap}),
 *     empty when there is none
 * @param configMaps only the ConfigMaps some served object references (custom-headers)
 */
public record ClusterState(
    List<IngressClass> ingressClasses,
    List<Ingress> ingresses,
    List<AralezRoute> routes,
    List<Service> services,
    List<EndpointSlice> endpointSlices,
    List<Secret> secrets,
    java.util.Map<String, String> nginxConfig,
    List<io.fabric8.kubernetes.api.model.ConfigMap> configMaps) {

  public ClusterState(
      List<IngressClass> ingressClasses,
      List<Ingress> ingresses,
      List<AralezRoute> routes,
      List<Service> services,
      List<EndpointSlice> endpointSlices,
      List<Secret> secrets,
      java.util.Map<String, String> nginxConfig) {
    this(
        ingressClasses,
        ingresses,
        routes,
        services,
        endpointSlices,
        secrets,
        nginxConfig,
        List.of());
  }

  public ClusterState {
    configMaps = List.copyOf(configMaps);
    ingressClasses = List.copyOf(ingressClasses);
    ingresses = List.copyOf(ingresses);
    routes = List.copyOf(routes);
    services = List.copyOf(services);
    endpointSlices = List.copyOf(endpointSlices);
    secrets = List.copyOf(secrets);
    nginxConfig = java.util.Map.copyOf(nginxConfig);
  }

  public ClusterState(
      List<IngressClass> ingressClasses,
      List<Ingress> ingresses,
      List<AralezRoute> routes,
      List<Service> services,
      List<EndpointSlice> endpointSlices,
      List<Secret> secrets) {
    this(ingressClasses, ingresses, routes, services, endpointSlices, secrets, java.util.Map.of());
  }

  public static ClusterState empty() {
    return new ClusterState(List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
  }
}
