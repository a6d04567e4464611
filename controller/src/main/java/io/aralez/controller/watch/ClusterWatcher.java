package io.aralez.controller.watch;

import io.aralez.controller.crd.AralezRoute;
import io.aralez.controller.snapshot.BuilderSettings;
import io.aralez.controller.snapshot.ClassFilter;
import io.aralez.controller.snapshot.ClusterState;
import io.aralez.controller.snapshot.SecretRefs;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.AnyNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The informer caches: IngressClass (cluster-wide), Ingress, AralezRoute, Service, EndpointSlice
 * (all namespaces, or the watched ones), and one informer per referenced Secret, so the controller
 * never caches every Secret of the cluster. Any change calls {@code onChange}; {@link #state()}
 * reads the caches without a request to the API server.
 */
public final class ClusterWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterWatcher.class);

  private final KubernetesClient client;
  private final List<String> namespaces;
  private final BuilderSettings settings;
  private final Runnable onChange;
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private SharedIndexInformer<IngressClass> classes;
  private final List<SharedIndexInformer<Ingress>> ingresses = new ArrayList<>();
  private final List<SharedIndexInformer<AralezRoute>> routes = new ArrayList<>();
  private final List<SharedIndexInformer<Service>> services = new ArrayList<>();
  private final List<SharedIndexInformer<EndpointSlice>> slices = new ArrayList<>();
  private final Map<String, SharedIndexInformer<Secret>> secrets = new HashMap<>();
  private volatile boolean started;
  // Set by every event that is not an EndpointSlice one; taken by the build.
  private final java.util.concurrent.atomic.AtomicBoolean routesDirty =
      new java.util.concurrent.atomic.AtomicBoolean(true);

  /**
   * @param namespaces the namespaces to watch; empty for all
   */
  public ClusterWatcher(
      KubernetesClient client,
      List<String> namespaces,
      BuilderSettings settings,
      Runnable onChange) {
    this.client = client;
    this.namespaces = List.copyOf(namespaces);
    this.settings = settings;
    this.onChange = onChange;
  }

  /** Starts every informer and waits until their caches are filled. */
  public synchronized void start() {
    classes = inform(client.network().v1().ingressClasses().inform(handler(), 0));
    for (String ns : namespaces.isEmpty() ? List.of("") : namespaces) {
      ingresses.add(inform(scoped(client.network().v1().ingresses(), ns).inform(handler(), 0)));
      routes.add(inform(scoped(client.resources(AralezRoute.class), ns).inform(handler(), 0)));
      services.add(inform(scoped(client.services(), ns).inform(handler(), 0)));
      slices.add(
          inform(scoped(client.discovery().v1().endpointSlices(), ns).inform(handler(false), 0)));
    }
    LOG.info(
        "watching {} (namespaces: {})",
        "IngressClass, Ingress, AralezRoute, Service, EndpointSlice, referenced Secrets",
        namespaces.isEmpty() ? "all" : String.join(",", namespaces));
    started = true;
  }

  /**
   * Whether every cache has been listed once. Before that a build would see part of the cluster and
   * could send data planes a snapshot missing most routes.
   */
  public boolean started() {
    return started;
  }

  private static <T extends HasMetadata, L, R extends Resource<T>>
      AnyNamespaceOperation<T, L, R> scoped(MixedOperation<T, L, R> op, String ns) {
    return ns.isEmpty() ? op.inAnyNamespace() : op.inNamespace(ns);
  }

  private <T> SharedIndexInformer<T> inform(SharedIndexInformer<T> informer) {
    informers.add(informer);
    return informer;
  }

  private <T> ResourceEventHandler<T> handler() {
    return handler(true);
  }

  /**
   * @param routes whether the kind can change the routes part (everything but EndpointSlices)
   */
  private <T> ResourceEventHandler<T> handler(boolean routes) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        changed();
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        changed();
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        changed();
      }

      private void changed() {
        if (routes) {
          routesDirty.set(true);
        }
        onChange.run();
      }
    };
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

  /** A copy of the EndpointSlice caches only. */
  public List<EndpointSlice> endpointSlices() {
    return all(slices);
  }

  /** Whether every informer has listed once and is watching. */
  public synchronized boolean healthy() {
    return started && informers.stream().allMatch(i -> i.hasSynced() && i.isRunning());
  }

  /**
   * A copy of the caches. Also adjusts the Secret informers to the references of the objects we
   * serve; a Secret informer added here reports its first list as a change, which rebuilds.
   */
  public synchronized ClusterState state() {
    List<IngressClass> cls = classes.getStore().list();
    ClassFilter ours = ClassFilter.of(settings, cls);
    List<Ingress> ing = new ArrayList<>();
    for (Ingress i : all(ingresses)) {
      if (ours.serve(i)) {
        ing.add(i);
      }
    }
    List<AralezRoute> ar = new ArrayList<>();
    for (AralezRoute r : all(routes)) {
      if (ours.serve(r)) {
        ar.add(r);
      }
    }
    syncSecrets(SecretRefs.of(ing, ar));
    List<Secret> sec = new ArrayList<>();
    for (SharedIndexInformer<Secret> s : secrets.values()) {
      sec.addAll(s.getStore().list());
    }
    return new ClusterState(cls, ing, ar, all(services), all(slices), sec);
  }

  private static <T> List<T> all(List<SharedIndexInformer<T>> list) {
    List<T> out = new ArrayList<>();
    for (SharedIndexInformer<T> i : list) {
      out.addAll(i.getStore().list());
    }
    return out;
  }

  private void syncSecrets(SortedSet<String> wanted) {
    secrets
        .entrySet()
        .removeIf(
            e -> {
              if (wanted.contains(e.getKey())) {
                return false;
              }
              e.getValue().close();
              informers.remove(e.getValue());
              return true;
            });
    for (String ref : wanted) {
      if (!secrets.containsKey(ref)) {
        int slash = ref.indexOf('/');
        String ns = ref.substring(0, slash);
        if (!namespaces.isEmpty() && !namespaces.contains(ns)) {
          continue;
        }
        SharedIndexInformer<Secret> i =
            client
                .secrets()
                .inNamespace(ns)
                .withName(ref.substring(slash + 1))
                .inform(handler(), 0);
        secrets.put(ref, i);
        informers.add(i);
      }
    }
  }

  @Override
  public synchronized void close() {
    for (SharedIndexInformer<?> i : informers) {
      i.close();
    }
  }
}
