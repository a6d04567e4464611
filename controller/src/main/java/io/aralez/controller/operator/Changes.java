package io.aralez.controller.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.Objects;
import java.util.function.Function;

/**
 * Which updates the snapshot reads. Status writes (ours included: Ingress load-balancer addresses,
 * AralezRoute conditions) and bookkeeping in metadata (resourceVersion, managedFields) change
 * nothing the build reads, so they must not rebuild.
 */
final class Changes {
  private Changes() {}

  /** An update that changed {@code spec} (as read by {@code spec}), labels or annotations. */
  static <R extends HasMetadata> boolean specOrMeta(R old, R now, Function<R, Object> spec) {
    return !Objects.equals(spec.apply(old), spec.apply(now)) || metaChanged(old, now);
  }

  static boolean metaChanged(HasMetadata old, HasMetadata now) {
    ObjectMeta a = old.getMetadata();
    ObjectMeta b = now.getMetadata();
    return !Objects.equals(a.getLabels(), b.getLabels())
        || !Objects.equals(a.getAnnotations(), b.getAnnotations())
        || !Objects.equals(a.getDeletionTimestamp(), b.getDeletionTimestamp())
        || !Objects.equals(a.getGeneration(), b.getGeneration());
  }
}
