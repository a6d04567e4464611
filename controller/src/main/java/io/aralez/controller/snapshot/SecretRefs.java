package io.aralez.controller.snapshot;

import io.aralez.controller.crd.AralezRoute;
import io.aralez.controller.crd.AralezRouteSpec;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/** The Secrets ("namespace/name") objects reference: the only ones the controller watches. */
public final class SecretRefs {
  private SecretRefs() {}

  public static SortedSet<String> of(List<Ingress> ingresses, List<AralezRoute> routes) {
    return of(ingresses, routes, io.aralez.controller.snapshot.nginx.NginxSettings.OFF);
  }

  /** The same, with ingress-nginx's auth-secret (same namespace only) in compat mode. */
  public static SortedSet<String> of(
      List<Ingress> ingresses,
      List<AralezRoute> routes,
      io.aralez.controller.snapshot.nginx.NginxSettings nginx) {
    SortedSet<String> out = new TreeSet<>();
    for (Ingress ing : ingresses) {
      String ns = ing.getMetadata().getNamespace();
      if (ing.getSpec() != null && ing.getSpec().getTls() != null) {
        for (IngressTLS t : ing.getSpec().getTls()) {
          if (t.getSecretName() != null && !t.getSecretName().isEmpty()) {
            out.add(ns + "/" + t.getSecretName());
          }
        }
      }
      Map<String, String> a = ing.getMetadata().getAnnotations();
      String auth = a == null ? null : a.get(IngressAnnotations.PREFIX + "auth-secret");
      if (auth != null && !auth.isBlank()) {
        out.add(ns + "/" + auth.trim());
      }
      for (String key : List.of("/auth-secret", "/proxy-ssl-secret", "/auth-tls-secret")) {
        String ref = a == null || !nginx.enabled() ? null : a.get(nginx.prefix() + key);
        if (ref != null && !ref.isBlank()) {
          String s = ref.trim();
          // "ns/name" of another namespace is never read: the route is denied instead.
          if (s.indexOf('/') < 0 || s.startsWith(ns + "/")) {
            out.add(ns + "/" + s.substring(s.indexOf('/') + 1));
          }
        }
      }
    }
    for (AralezRoute r : routes) {
      String ns = r.getMetadata().getNamespace();
      AralezRouteSpec s = r.getSpec();
      if (s == null) {
        continue;
      }
      if (s.tls != null && s.tls.secretName != null) {
        out.add(ns + "/" + s.tls.secretName);
      }
      add(out, ns, s.defaults);
      if (s.routes != null) {
        for (AralezRouteSpec.Rule rule : s.routes) {
          add(out, ns, rule);
        }
      }
    }
    return out;
  }

  /** The ConfigMaps ("namespace/name") Ingresses reference in compat mode, this namespace only. */
  public static SortedSet<String> configMaps(
      List<Ingress> ingresses, io.aralez.controller.snapshot.nginx.NginxSettings nginx) {
    SortedSet<String> out = new TreeSet<>();
    if (!nginx.enabled()) {
      return out;
    }
    for (Ingress ing : ingresses) {
      String ns = ing.getMetadata().getNamespace();
      Map<String, String> a = ing.getMetadata().getAnnotations();
      for (String key : List.of("/custom-headers", "/auth-proxy-set-headers")) {
        String ref = a == null ? null : a.get(nginx.prefix() + key);
        if (ref != null && !ref.isBlank()) {
          String s = ref.trim();
          if (s.indexOf('/') < 0 || s.startsWith(ns + "/")) {
            out.add(ns + "/" + s.substring(s.indexOf('/') + 1));
          }
        }
      }
    }
    return out;
  }

  private static void add(SortedSet<String> out, String ns, AralezRouteSpec.Policies p) {
    if (p != null
        && p.authentication != null
        && p.authentication.secretRef != null
        && p.authentication.secretRef.name != null) {
      out.add(ns + "/" + p.authentication.secretRef.name);
    }
  }
}
