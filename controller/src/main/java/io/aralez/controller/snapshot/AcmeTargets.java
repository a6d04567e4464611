package io.aralez.controller.snapshot;

import io.aralez.controller.crd.AralezRoute;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Processor: which TLS Secrets the controller keeps certified with ACME. An Ingress asks with
 * {@code aralez.io/acme: "true"} (or the conventional {@code kubernetes.io/tls-acme: "true"}) for
 * each of its {@code spec.tls} entries; an AralezRoute with {@code tls.acme: true} for its
 * hostnames. Objects naming the same Secret share one certificate covering all their names.
 * Wildcards cannot be validated over HTTP-01 and are left out.
 */
public final class AcmeTargets {
  public static final String ANNOTATION = "aralez.io/acme";
  public static final String CONVENTIONAL = "kubernetes.io/tls-acme";

  /**
   * One Secret to keep certified.
   *
   * @param hosts sorted, lower case, no wildcards
   * @param owners the objects that asked, sorted
   */
  public record Target(
      String namespace, String secretName, List<String> hosts, List<ObjectRef> owners) {
    public String key() {
      return namespace + "/" + secretName;
    }
  }

  private AcmeTargets() {}

  /**
   * @param served the objects this controller serves (already class-filtered)
   */
  static List<Target> of(List<? extends HasMetadata> served) {
    SortedMap<String, SortedSet<String>> hosts = new TreeMap<>();
    SortedMap<String, SortedSet<ObjectRef>> owners = new TreeMap<>();
    for (HasMetadata o : served) {
      String ns = o.getMetadata().getNamespace();
      if (o instanceof Ingress ing && wants(ing.getMetadata().getAnnotations())) {
        for (IngressTLS tls :
            ing.getSpec() == null || ing.getSpec().getTls() == null
                ? List.<IngressTLS>of()
                : ing.getSpec().getTls()) {
          add(hosts, owners, ns, tls.getSecretName(), tls.getHosts(), ObjectRef.of(o));
        }
      } else if (o instanceof AralezRoute r
          && r.getSpec() != null
          && r.getSpec().tls != null
          && Boolean.TRUE.equals(r.getSpec().tls.acme)) {
        add(hosts, owners, ns, r.getSpec().tls.secretName, r.getSpec().hostnames, ObjectRef.of(o));
      }
    }
    List<Target> out = new ArrayList<>();
    hosts.forEach(
        (key, names) -> {
          int slash = key.indexOf('/');
          out.add(
              new Target(
                  key.substring(0, slash),
                  key.substring(slash + 1),
                  List.copyOf(names),
                  List.copyOf(owners.get(key))));
        });
    return out;
  }

  static boolean wants(Map<String, String> annotations) {
    if (annotations == null) {
      return false;
    }
    return "true".equalsIgnoreCase(trim(annotations.get(ANNOTATION)))
        || "true".equalsIgnoreCase(trim(annotations.get(CONVENTIONAL)));
  }

  private static String trim(String s) {
    return s == null ? null : s.trim();
  }

  private static void add(
      SortedMap<String, SortedSet<String>> hosts,
      SortedMap<String, SortedSet<ObjectRef>> owners,
      String ns,
      String secret,
      List<String> names,
      ObjectRef owner) {
    if (secret == null || secret.isBlank() || names == null) {
      return;
    }
    SortedSet<String> certified = new TreeSet<>();
    for (String n : names) {
      String h = n == null ? null : io.aralez.common.values.HostNames.normalizeConfigured(n);
      if (h != null && !h.startsWith("*.") && !h.equals("DEFAULT")) {
        certified.add(h.toLowerCase(Locale.ROOT));
      }
    }
    if (certified.isEmpty()) {
      return;
    }
    String key = ns + "/" + secret;
    hosts.computeIfAbsent(key, k -> new TreeSet<>()).addAll(certified);
    owners.computeIfAbsent(key, k -> new TreeSet<>()).add(owner);
  }
}
