package io.aralez.controller.snapshot;

import java.util.List;

/**
 * What the builder concluded about one served object.
 *
 * @param generation the {@code metadata.generation} the conclusion is about
 * @param accepted false when the object is invalid (a bad annotation or field) and was left out of
 *     the snapshot entirely
 * @param resolvedRefs false when some Service, port or Secret it names could not be found
 * @param errors why it was not accepted
 * @param warnings problems that did not stop it (conflicts lost, missing TLS Secret, unknown
 *     annotations, unresolved references)
 * @param events Events with their own reasons (the ingress-nginx annotation report)
 * @param annotationOutcomes ingress-nginx annotations by outcome (honoured, ignored...), for
 *     metrics
 */
public record ObjectStatus(
    long generation,
    boolean accepted,
    boolean resolvedRefs,
    List<String> errors,
    List<String> warnings,
    List<Event> events,
    java.util.Map<String, Integer> annotationOutcomes) {
  public ObjectStatus {
    errors = List.copyOf(errors);
    warnings = List.copyOf(warnings);
    events = List.copyOf(events);
    annotationOutcomes = java.util.Map.copyOf(annotationOutcomes);
  }

  /** An Event to record on the object, once per generation. */
  public record Event(boolean warning, String reason, String message) {}
}
