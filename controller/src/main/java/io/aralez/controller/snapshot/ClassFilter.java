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
 * which Ingresses and AralezRoutes this controller serves. In ingress-nginx compatibility mode it
 * also claims ingress-nginx's classes; each Ingress is served one way only, by the class that
 * claimed it ({@link #flavour}).
 *
 * @param nginxNames the IngressClasses of ingress-nginx we claim (empty unless compat mode)
 * @param nginxDefault one of them is the cluster's default class
 */
public record ClassFilter(
    BuilderSettings settings,
    Set<String> names,
    boolean isDefault,
    Set<String> nginxNames,
    boolean nginxDefault) {
  static final String LEGACY_CLASS_ANNOTATION = "kubernetes.io/ingress.class";
  static final String DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class";

  /** Through which class an Ingress is ours. */
  public enum Flavour {
    /** One of our classes: Ingress v1 semantics and {@code aralez.io/*}. */
    NATIVE,
    /** One of ingress-nginx's classes: its defaults and quirks as well. */
    NGINX
  }

  public static ClassFilter of(BuilderSettings settings, List<IngressClass> classes) {
    Set<String> names = new TreeSet<>();
    Set<String> nginx = new TreeSet<>();
    boolean isDefault = false;
    boolean nginxDefault = false;
    for (IngressClass c : classes) {
      String controller = c.getSpec() == null ? null : c.getSpec().getController();
      Map<String, String> a = c.getMetadata().getAnnotations();
      boolean def = a != null && "true".equals(a.get(DEFAULT_CLASS_ANNOTATION));
      if (settings.controllerName().equals(controller)) {
        names.add(c.getMetadata().getName());
        isDefault |= def;
      } else if (settings.nginx().enabled()
          && settings.nginx().controllerClass().equals(controller)) {
        nginx.add(c.getMetadata().getName());
        nginxDefault |= def;
      }
    }
    return new ClassFilter(settings, Set.copyOf(names), isDefault, Set.copyOf(nginx), nginxDefault);
  }

  /** Whether an Ingress belongs to us, by field, then legacy annotation, then default class. */
  public boolean serve(Ingress ing) {
    return flavour(ing) != null;
  }

  /**
   * How an Ingress is ours, or null when it is not: by {@code spec.ingressClassName} first (as
   * ingress-nginx checks it), then the legacy annotation, then the default class.
   */
  public Flavour flavour(Ingress ing) {
    String field = ing.getSpec() == null ? null : ing.getSpec().getIngressClassName();
    Map<String, String> ann = ing.getMetadata().getAnnotations();
    String legacy = ann == null ? null : ann.get(LEGACY_CLASS_ANNOTATION);
    boolean compat = settings.nginx().enabled();
    if (field != null && !field.isEmpty()) {
      return names.contains(field)
          ? Flavour.NATIVE
          : nginxNames.contains(field) ? Flavour.NGINX : null;
    }
    if (legacy != null && !legacy.isEmpty()) {
      if (names.contains(legacy) || legacy.equals(settings.ingressClassName())) {
        return Flavour.NATIVE;
      }
      return compat
              && (nginxNames.contains(legacy) || legacy.equals(settings.nginx().ingressClass()))
          ? Flavour.NGINX
          : null;
    }
    if (isDefault || settings.watchWithoutClass()) {
      return Flavour.NATIVE;
    }
    return nginxDefault ? Flavour.NGINX : null;
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
