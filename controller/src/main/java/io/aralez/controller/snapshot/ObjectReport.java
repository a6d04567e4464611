package io.aralez.controller.snapshot;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** What one build found about one served object; becomes its {@link ObjectStatus}. */
final class ObjectReport {
  final ObjectRef ref;
  final long generation;
  final List<String> errors = new ArrayList<>();
  final List<String> warnings = new ArrayList<>();
  final List<ObjectStatus.Event> events = new ArrayList<>();
  final java.util.Map<String, Integer> annotationOutcomes = new java.util.TreeMap<>();
  boolean accepted = true;
  boolean resolvedRefs = true;

  ObjectReport(HasMetadata o) {
    this(
        ObjectRef.of(o),
        o.getMetadata().getGeneration() == null ? 0 : o.getMetadata().getGeneration());
  }

  /** A report on an object the builder reads but does not serve (ingress-nginx's ConfigMap). */
  ObjectReport(ObjectRef ref, long generation) {
    this.ref = ref;
    this.generation = generation;
  }

  /** {@code f}'s value, or null with its message as an error (the object is refused). */
  <T> T checked(Supplier<T> f) {
    try {
      return f.get();
    } catch (IllegalArgumentException e) {
      errors.add(e.getMessage());
      return null;
    }
  }

  /** {@code f}'s value, or null with its message as a warning (the object still serves). */
  <T> T checkedWarning(Supplier<T> f) {
    try {
      return f.get();
    } catch (IllegalArgumentException e) {
      warnings.add(e.getMessage());
      return null;
    }
  }

  ObjectStatus status() {
    return new ObjectStatus(
        generation,
        accepted && errors.isEmpty(),
        resolvedRefs,
        errors,
        warnings,
        events,
        annotationOutcomes);
  }
}
