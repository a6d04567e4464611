package io.aralez.controller.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
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
 * The objects (Secrets, ConfigMaps) served objects reference, and no others: one informer per
 * referenced object (a watch on that one name), so the controller never caches the cluster's
 * Secrets. JOSDK has no informer over a changing set of names, hence this event source. {@link
 * #follow} is called after each build with the references it found; an informer added there reports
 * its first list as a change, which builds again with the object in it.
 */
final class ReferencedObjects<T extends HasMetadata> extends AbstractEventSource<T, IngressClass> {
  /** Starts a watch on one object. */
  interface Watch<T> {
    SharedIndexInformer<T> inform(String namespace, String name, ResourceEventHandler<T> handler);
  }

  private final Watch<T> watch;
  private final java.util.function.Function<T, Object> content;
  private final List<String> namespaces;
  private final java.util.function.Supplier<Set<ResourceID>> primaries;
  private final Runnable tap;
  private final Map<String, SharedIndexInformer<T>> informers = new HashMap<>();

  /**
   * @param content what of an object matters: an update that changes none of it builds nothing
   */
  ReferencedObjects(
      Class<T> type,
      Watch<T> watch,
      java.util.function.Function<T, Object> content,
      List<String> namespaces,
      java.util.function.Supplier<Set<ResourceID>> primaries,
      Runnable tap) {
    super(type, "referenced-" + type.getSimpleName().toLowerCase(java.util.Locale.ROOT) + "s");
    this.watch = watch;
    this.content = content;
    this.namespaces = List.copyOf(namespaces);
    this.primaries = primaries;
    this.tap = tap;
  }

  /** Watches exactly the objects named in {@code refs} ("namespace/name"). */
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
      informers.put(ref, watch.inform(ns, ref.substring(slash + 1), handler()));
    }
  }

  /** The cached objects; no request is made. */
  synchronized List<T> cached() {
    List<T> out = new ArrayList<>();
    for (SharedIndexInformer<T> i : informers.values()) {
      out.addAll(i.getStore().list());
    }
    return out;
  }

  synchronized boolean healthy() {
    return informers.values().stream().allMatch(i -> i.hasSynced() && i.isRunning());
  }

  private ResourceEventHandler<T> handler() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T s) {
        changed();
      }

      @Override
      public void onUpdate(T old, T now) {
        if (Changes.specOrMeta(old, now, content)) {
          changed();
        }
      }

      @Override
      public void onDelete(T s, boolean unknown) {
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
  public Set<T> getSecondaryResources(IngressClass primary) {
    return Set.copyOf(cached());
  }

  @Override
  public synchronized void stop() {
    informers.values().forEach(SharedIndexInformer::close);
    informers.clear();
    super.stop();
  }
}
