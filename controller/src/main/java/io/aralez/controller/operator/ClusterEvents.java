package io.aralez.controller.operator;

import io.aralez.controller.crd.AralezRoute;
import io.aralez.controller.snapshot.BuilderSettings;
import io.aralez.controller.snapshot.ClassFilter;
import io.aralez.controller.snapshot.ClusterState;
import io.aralez.controller.snapshot.SecretRefs;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiPredicate;

/**
 * The controller's JOSDK event sources and the read-only view of their caches. Every kind maps to
 * the one primary (our IngressClass), so JOSDK serialises the status reconciliations; every change
 * that the snapshot reads also reaches the build trigger (on every replica, leader or not).
 */
public final class ClusterEvents {
  private final BuilderSettings settings;
  private final List<String> namespaces;
  // Our IngressClasses in the primary cache: the resources JOSDK reconciles.
  private volatile java.util.function.Supplier<Set<ResourceID>> primaries = Set::of;
  private final Runnable trigger;
  // Set by every change but EndpointSlice ones; taken by the build.
  private final AtomicBoolean routesDirty = new AtomicBoolean(true);
  private TappedInformerEventSource<IngressClass> classes;
  private TappedInformerEventSource<Ingress> ingresses;
  private TappedInformerEventSource<AralezRoute> routes;
  private TappedInformerEventSource<Service> services;
  private TappedInformerEventSource<EndpointSlice> slices;
  private ReferencedObjects<io.fabric8.kubernetes.api.model.Secret> secrets;
  // ConfigMaps Ingresses reference (ingress-nginx's custom-headers, auth-proxy-set-headers).
  private ReferencedObjects<ConfigMap> configMaps;
  // ingress-nginx's ConfigMap, when --nginx-configmap names one.
  private TappedInformerEventSource<ConfigMap> nginxConfig;
  private final SimpleInboundEventSource<IngressClass> signals =
      new SimpleInboundEventSource<>("aralez-signals");

  /**
   * @param namespaces the namespaces to watch; empty for all
   * @param trigger asks for a build (debounced by the caller)
   */
  public ClusterEvents(BuilderSettings settings, List<String> namespaces, Runnable trigger) {
    this.settings = settings;
    this.namespaces = List.copyOf(namespaces);
    this.trigger = trigger;
  }

  /**
   * Whether an IngressClass is one of ours (in compat mode, ingress-nginx's too): the primaries of
   * the status reconciler.
   */
  boolean ours(IngressClass c) {
    if (c.getSpec() == null) {
      return false;
    }
    String controller = c.getSpec().getController();
    return settings.controllerName().equals(controller)
        || settings.nginx().enabled() && settings.nginx().controllerClass().equals(controller);
  }

  /** The event sources of the reconciler ({@code prepareEventSources}). */
  List<EventSource<?, IngressClass>> eventSources(EventSourceContext<IngressClass> context) {
    primaries =
        () ->
            context
                .getPrimaryCache()
                .list(this::ours)
                .map(ResourceID::fromResource)
                .collect(java.util.stream.Collectors.toSet());
    classes =
        source(
            IngressClass.class,
            context,
            true,
            (a, b) -> Changes.specOrMeta(a, b, IngressClass::getSpec),
            true);
    ingresses =
        source(
            Ingress.class,
            context,
            false,
            (a, b) -> Changes.specOrMeta(a, b, Ingress::getSpec),
            true);
    routes =
        source(
            AralezRoute.class,
            context,
            false,
            (a, b) -> Changes.specOrMeta(a, b, AralezRoute::getSpec),
            true);
    services =
        source(
            Service.class,
            context,
            false,
            (a, b) -> Changes.specOrMeta(a, b, Service::getSpec),
            true);
    slices =
        source(
            EndpointSlice.class,
            context,
            false,
            (a, b) ->
                Changes.specOrMeta(
                    a,
                    b,
                    s -> List.of(String.valueOf(s.getEndpoints()), String.valueOf(s.getPorts()))),
            false);
    var client = context.getClient();
    secrets =
        new ReferencedObjects<>(
            io.fabric8.kubernetes.api.model.Secret.class,
            (ns, name, h) -> client.secrets().inNamespace(ns).withName(name).inform(h, 0),
            s -> List.of(String.valueOf(s.getData()), String.valueOf(s.getStringData())),
            namespaces,
            () -> primaries.get(),
            this::routesChanged);
    configMaps =
        new ReferencedObjects<>(
            ConfigMap.class,
            (ns, name, h) -> client.configMaps().inNamespace(ns).withName(name).inform(h, 0),
            c -> String.valueOf(c.getData()),
            namespaces,
            () -> primaries.get(),
            this::routesChanged);
    List<EventSource<?, IngressClass>> all =
        new java.util.ArrayList<>(
            List.of(classes, ingresses, routes, services, slices, secrets, configMaps, signals));
    String cm = settings.nginx().enabled() ? settings.nginx().configMap() : null;
    if (cm != null) {
      nginxConfig = configMapSource(context, cm);
      all.add(nginxConfig);
    }
    return all;
  }

  /** ingress-nginx's controller ConfigMap, and only it (a field selector on its name). */
  private TappedInformerEventSource<ConfigMap> configMapSource(
      EventSourceContext<IngressClass> context, String namespacedName) {
    int slash = namespacedName.indexOf('/');
    String ns = namespacedName.substring(0, slash);
    String name = namespacedName.substring(slash + 1);
    BiPredicate<ConfigMap, ConfigMap> matters =
        (a, b) -> Changes.specOrMeta(a, b, ConfigMap::getData);
    var b =
        InformerEventSourceConfiguration.from(ConfigMap.class, IngressClass.class)
            .withName("NginxConfigMap")
            .withSecondaryToPrimaryMapper(r -> primaries.get())
            .withNamespaces(ns)
            .withFieldSelector(
                new io.javaoperatorsdk.operator.api.config.informer.FieldSelector(
                    new io.javaoperatorsdk.operator.api.config.informer.FieldSelector.Field(
                        "metadata.name", name)))
            .withGenericFilter(c -> name.equals(c.getMetadata().getName()))
            .withOnUpdateFilter((now, old) -> matters.test(old, now));
    return new TappedInformerEventSource<>(b.build(), context, matters, this::routesChanged);
  }

  private <R extends HasMetadata> TappedInformerEventSource<R> source(
      Class<R> type,
      EventSourceContext<IngressClass> context,
      boolean clusterScoped,
      BiPredicate<R, R> matters,
      boolean routesPart) {
    var b =
        InformerEventSourceConfiguration.from(type, IngressClass.class)
            .withName(type.getSimpleName())
            .withSecondaryToPrimaryMapper(r -> primaries.get())
            .withOnUpdateFilter((now, old) -> matters.test(old, now));
    if (clusterScoped || namespaces.isEmpty()) {
      b.withWatchAllNamespaces();
    } else {
      b.withNamespaces(new HashSet<>(namespaces));
    }
    return new TappedInformerEventSource<>(
        b.build(), context, matters, routesPart ? this::routesChanged : trigger);
  }

  private void routesChanged() {
    routesDirty.set(true);
    trigger.run();
  }

  /**
   * Asks JOSDK to reconcile the primary (a snapshot was published, a data plane answered). Before
   * the operator has started its caches there is nothing to reconcile yet: the first reconciliation
   * after the start picks everything up.
   */
  public void reconcileSoon() {
    if (!ready()) {
      return;
    }
    try {
      primaries.get().forEach(signals::propagateEvent);
    } catch (RuntimeException e) {
      // The primary cache starts a moment after the others; its first reconciliation comes.
      org.slf4j.LoggerFactory.getLogger(ClusterEvents.class)
          .debug("reconcile request before the operator started: {}", e.toString());
    }
  }

  /**
   * Whether anything but EndpointSlices changed since the last call (true at first). Taken before
   * reading the caches, so a change that arrives meanwhile is seen by the next build.
   */
  public boolean takeRoutesChanged() {
    return routesDirty.getAndSet(false);
  }

  /** Makes the next build a full one (after a failed build, so nothing taken is lost). */
  public void markRoutesChanged() {
    routesDirty.set(true);
  }

  /** Whether the sources exist (JOSDK prepared them) and are started. */
  public boolean ready() {
    return slices != null && slices.isRunning();
  }

  /** A copy of the caches: what the build reads. No request, no informer started or stopped. */
  public ClusterState state() {
    List<IngressClass> cls = classes.list().toList();
    ClassFilter ours = ClassFilter.of(settings, cls);
    return new ClusterState(
        cls,
        ingresses.list().filter(ours::serve).toList(),
        routes.list().filter(ours::serve).toList(),
        services.list().toList(),
        slices.list().toList(),
        secrets.cached(),
        nginxConfigData(),
        configMaps.cached());
  }

  private java.util.Map<String, String> nginxConfigData() {
    if (nginxConfig == null) {
      return java.util.Map.of();
    }
    return nginxConfig
        .list()
        .findFirst()
        .map(c -> c.getData() == null ? java.util.Map.<String, String>of() : c.getData())
        .orElse(java.util.Map.of());
  }

  public List<EndpointSlice> endpointSlices() {
    return slices.list().toList();
  }

  /**
   * After a build: watch exactly the Secrets its objects reference. A Secret watched for the first
   * time reports itself as a change, which builds again with it.
   */
  public void followSecrets(ClusterState state) {
    secrets.follow(SecretRefs.of(state.ingresses(), state.routes(), settings.nginx()));
    configMaps.follow(SecretRefs.configMaps(state.ingresses(), settings.nginx()));
  }

  public boolean secretsHealthy() {
    return secrets == null || secrets.healthy() && configMaps.healthy();
  }
}
