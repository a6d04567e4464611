package io.aralez.controller.snapshot;

import io.aralez.controller.crd.AralezRoute;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Processor 1, the class filter: which IngressClasses are ours (by {@code spec.controller}), and so
 * which Ingresses and AralezRoutes this controller serves.
 */
public record ClassFilter(BuilderSettings settings, Set<String> names, boolean isDefault) {
  static final String LEGACY_CLASS_ANNOTATION = "kubernetes.io/ingress.class";
  static final String DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class";

  public static ClassFilter of(BuilderSettings settings, List<IngressClass> classes) {
    Set<String> names = new TreeSet<>();
    boolean isDefault = false;
    for (IngressClass c : classes) {
      if (c.getSpec() != null && settings.controllerName().equals(c.getSpec().getController())) {
        names.add(c.getMetadata().getName());
        Map<String, String> a = c.getMetadata().getAnnotations();
        isDefault |= a != null && "true".equals(a.get(DEFAULT_CLASS_ANNOTATION));
      }
    }
    return new ClassFilter(settings, Set.copyOf(names), isDefault);
  }

  /** Whether an Ingress belongs to us, by field, then legacy annotation, then default class. */
  public boolean serve(Ingress ing) {
    String field = ing.getSpec() == null ? null : ing.getSpec().getIngressClassName();
    Map<String, String> ann = ing.getMetadata().getAnnotations();
    String legacy = ann == null ? null : ann.get(LEGACY_CLASS_ANNOTATION);
    if (field != null && !field.isEmpty()) {
      return names.contains(field);
    }
    if (legacy != null && !legacy.isEmpty()) {
      return names.contains(legacy) || legacy.equals(settings.ingressClassName());
    }
    return isDefault || settings.watchWithoutClass();
  }

  /** An AralezRoute is ours when it names one of our classes, or none (it is our own kind). */
  public boolean serve(AralezRoute route) {
    String field = route.getSpec() == null ? null : route.getSpec().ingressClassName;
    return field == null || field.isEmpty() || names.contains(field);
  }

  /** The Ingresses we serve that are not being deleted. */
  public List<Ingress> ingresses(List<Ingress> all) {
    return all.stream()
        .filter(i -> i.getMetadata().getDeletionTimestamp() == null && serve(i))
        .toList();
  }

  /** The AralezRoutes we serve that have a spec and are not being deleted. */
  public List<AralezRoute> routes(List<AralezRoute> all) {
    return all.stream()
        .filter(
            r -> r.getMetadata().getDeletionTimestamp() == null && r.getSpec() != null && serve(r))
        .toList();
  }
}
