package io.aralez.controller.operator;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;

/**
 * The Secrets served objects reference, and no others: one informer per referenced Secret (a watch
 * on that one name), so the controller never caches the cluster's Secrets and its RBAC needs no
 * cluster-wide list of them. JOSDK has no informer over a changing set of names, hence this event
 * source. {@link #follow} is called after each build with the references it found; an informer
 * added there reports its first list as a change, which builds again with the Secret in it.
 */
final class ReferencedSecrets extends AbstractEventSource<Secret, IngressClass> {
  private final KubernetesClient client;
  private final List<String> namespaces;
  private final java.util.function.Supplier<Set<ResourceID>> primaries;
  private final Runnable tap;
  private final Map<String, SharedIndexInformer<Secret>> informers = new HashMap<>();

  ReferencedSecrets(
      KubernetesClient client,
      List<String> namespaces,
      java.util.function.Supplier<Set<ResourceID>> primaries,
      Runnable tap) {
    super(Secret.class, "referenced-secrets");
    this.client = client;
    this.namespaces = List.copyOf(namespaces);
    this.primaries = primaries;
    this.tap = tap;
  }

  /** Watches exactly the Secrets named in {@code refs} ("namespace/name"). */
  synchronized void follow(SortedSet<String> refs) {
    informers
        .entrySet()
        .removeIf(
            e -> {
              if (refs.contains(e.getKey())) {
                return false;
              }
              e.getValue().close();
              return true;
            });
    if (!isRunning()) {
      return;
    }
    for (String ref : refs) {
      int slash = ref.indexOf('/');
      String ns = ref.substring(0, slash);
      if (informers.containsKey(ref) || (!namespaces.isEmpty() && !namespaces.contains(ns))) {
        continue;
      }
      informers.put(
          ref,
          client.secrets().inNamespace(ns).withName(ref.substring(slash + 1)).inform(handler(), 0));
    }
  }

  /** The cached Secrets; no request is made. */
  synchronized List<Secret> cached() {
    List<Secret> out = new ArrayList<>();
    for (SharedIndexInformer<Secret> i : informers.values()) {
      out.addAll(i.getStore().list());
    }
    return out;
  }

  synchronized boolean healthy() {
    return informers.values().stream().allMatch(i -> i.hasSynced() && i.isRunning());
  }

  private ResourceEventHandler<Secret> handler() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(Secret s) {
        changed();
      }

      @Override
      public void onUpdate(Secret old, Secret now) {
        if (Changes.specOrMeta(
            old,
            now,
            s -> List.of(String.valueOf(s.getData()), String.valueOf(s.getStringData())))) {
          changed();
        }
      }

      @Override
      public void onDelete(Secret s, boolean unknown) {
        changed();
      }
    };
  }

  private void changed() {
    tap.run();
    if (isRunning() && getEventHandler() != null) {
      primaries.get().forEach(p -> getEventHandler().handleEvent(new Event(p)));
    }
  }

  @Override
  public Set<Secret> getSecondaryResources(IngressClass primary) {
    return Set.copyOf(cached());
  }

  @Override
  public synchronized void stop() {
    informers.values().forEach(SharedIndexInformer::close);
    informers.clear();
    super.stop();
  }
}
