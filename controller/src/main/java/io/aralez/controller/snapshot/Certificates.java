package io.aralez.controller.snapshot;

import io.aralez.api.v1.Certificate;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Processor: TLS Secrets to certificates. A name is served from the first (oldest) Secret that
 * claims it; an unusable Secret leaves its names on the default certificate, with a warning.
 */
final class Certificates {
  private final Lookups lookups;
  private final Map<String, Certificate.Builder> certificates = new TreeMap<>();
  private final Map<String, String> sniOwners = new HashMap<>();

  Certificates(Lookups lookups) {
    this.lookups = lookups;
  }

  void add(ObjectReport report, String ns, String secretName, List<String> names) {
    Secret s = lookups.secret(ns + "/" + secretName);
    String crt = s == null ? null : SecretValues.value(s, "tls.crt");
    String key = s == null ? null : SecretValues.value(s, "tls.key");
    String where = "TLS Secret " + ns + "/" + secretName;
    if (crt == null || key == null || !crt.contains("-----BEGIN") || !key.contains("-----BEGIN")) {
      report.warnings.add(
          where
              + (s == null ? " not found" : " lacks PEM tls.crt and tls.key")
              + ": the default certificate is served for "
              + names);
      report.resolvedRefs = false;
      return;
    }
    String problem = Values.pemPairProblem(crt, key);
    if (problem != null) {
      report.warnings.add(
          where + " is unusable (" + problem + "): the default certificate is served for " + names);
      report.resolvedRefs = false;
      return;
    }
    String id = ns + "/" + secretName;
    Certificate.Builder c =
        certificates.computeIfAbsent(
            id,
            k ->
                Certificate.newBuilder()
                    .setName(k)
                    .setCertificateChainPem(crt)
                    .setPrivateKeyPem(key));
    for (String n : names) {
      String owner = sniOwners.putIfAbsent(n, id);
      if (owner == null) {
        c.addServerNames(n);
      } else if (!owner.equals(id)) {
        report.warnings.add("TLS for " + n + " is already served from Secret " + owner);
      }
    }
  }

  /** The certificates that serve at least one name, names sorted, in Secret order. */
  List<Certificate> build() {
    List<Certificate> out = new ArrayList<>();
    for (Certificate.Builder c : certificates.values()) {
      if (c.getServerNamesCount() > 0) {
        List<String> names = new ArrayList<>(c.getServerNamesList());
        names.sort(null);
        out.add(c.clone().clearServerNames().addAllServerNames(names).build());
      }
    }
    return out;
  }
}
