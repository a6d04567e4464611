package io.aralez.controller;

import io.aralez.controller.snapshot.BuilderSettings;
import io.aralez.controller.snapshot.ClassFilter;
import io.aralez.controller.snapshot.ClusterState;
import io.aralez.controller.snapshot.nginx.NginxAnnotations;
import io.aralez.controller.snapshot.nginx.NginxDefaults;
import io.aralez.controller.snapshot.nginx.NginxResult;
import io.aralez.controller.snapshot.nginx.NginxResult.Outcome;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code aralez-controller --nginx-report}: the migration checklist. For every Ingress this
 * controller would serve in compat mode, what happens to each of its ingress-nginx annotations
 * (honoured, partial, ignored, refused, unknown, invalid), and whether the Ingress is served at
 * all; then the ConfigMap's keys. Read-only: it lists, it never writes.
 */
final class NginxReport {
  private NginxReport() {}

  /** Reads the cluster with {@code client} and prints the report; the exit code. */
  static int run(KubernetesClient client, ControllerOptions options, boolean json) {
    var nginx = options.nginx();
    Map<String, String> config = Map.of();
    if (nginx.configMap() != null) {
      String[] nn = nginx.configMap().split("/", 2);
      ConfigMap cm = client.configMaps().inNamespace(nn[0]).withName(nn[1]).get();
      if (cm == null) {
        System.err.println("aralez-controller: ConfigMap " + nginx.configMap() + " not found");
        return 1;
      }
      config = cm.getData() == null ? Map.of() : cm.getData();
    }
    List<Ingress> ingresses =
        options.namespaces().isEmpty()
            ? client.network().v1().ingresses().inAnyNamespace().list().getItems()
            : options.namespaces().stream()
                .flatMap(
                    ns ->
                        client
                            .network()
                            .v1()
                            .ingresses()
                            .inNamespace(ns)
                            .list()
                            .getItems()
                            .stream())
                .toList();
    ClusterState state =
        new ClusterState(
            client.network().v1().ingressClasses().list().getItems(),
            ingresses,
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            config);
    BuilderSettings settings =
        new BuilderSettings(
            options.controllerName(),
            options.ingressClass(),
            options.watchWithoutClass(),
            nginx,
            options.defaultBackendService());
    System.out.print(render(state, settings, json));
    return 0;
  }

  /** One Ingress in the report. */
  record Row(String ingress, String flavour, String result, NginxResult annotations) {}

  /** The report of {@code state}, as text or JSON. Pure. */
  static String render(ClusterState state, BuilderSettings settings, boolean json) {
    ClassFilter classes = ClassFilter.of(settings, state.ingressClasses());
    NginxDefaults defaults = NginxDefaults.of(state.nginxConfig());
    List<Row> rows = new ArrayList<>();
    List<Ingress> sorted = new ArrayList<>(state.ingresses());
    sorted.sort(
        Comparator.comparing((Ingress i) -> i.getMetadata().getNamespace())
            .thenComparing(i -> i.getMetadata().getName()));
    for (Ingress ing : sorted) {
      ClassFilter.Flavour f = classes.flavour(ing);
      if (f == null) {
        continue;
      }
      NginxResult r =
          NginxAnnotations.parse(
              ing.getMetadata().getAnnotations(),
              settings.nginx(),
              ing.getMetadata().getNamespace(),
              f == ClassFilter.Flavour.NGINX ? defaults : null,
              settings.defaultBackendService() != null);
      String result =
          r.refused() ? "not served (refused)" : r.denied() ? "served, every path 503" : "served";
      rows.add(
          new Row(
              ing.getMetadata().getNamespace() + "/" + ing.getMetadata().getName(),
              f == ClassFilter.Flavour.NGINX ? "ingress-nginx" : "aralez",
              result,
              r));
    }
    return json ? json(rows, defaults) : text(rows, defaults, settings);
  }

  private static String text(List<Row> rows, NginxDefaults defaults, BuilderSettings settings) {
    StringBuilder out = new StringBuilder();
    Map<Outcome, Integer> totals = new EnumMap<>(Outcome.class);
    int refused = 0;
    for (Row row : rows) {
      out.append(row.ingress())
          .append("  [")
          .append(row.flavour())
          .append("]  ")
          .append(row.result())
          .append('\n');
      for (NginxResult.KeyOutcome k : row.annotations().keys()) {
        totals.merge(k.outcome(), 1, Integer::sum);
        out.append(
            String.format(
                Locale.ROOT,
                "    %-9s %s: %s%n",
                k.outcome().name().toLowerCase(Locale.ROOT),
                k.key(),
                k.message()));
      }
      if (row.annotations().refused()) {
        refused++;
      }
    }
    out.append('\n')
        .append(rows.size())
        .append(" Ingresses, ")
        .append(refused)
        .append(" not served; annotations:");
    for (Outcome o : Outcome.values()) {
      out.append(' ')
          .append(o.name().toLowerCase(Locale.ROOT))
          .append(' ')
          .append(totals.getOrDefault(o, 0));
    }
    out.append('\n');
    if (settings.nginx().configMap() != null) {
      out.append("ConfigMap ").append(settings.nginx().configMap()).append(":\n");
      for (String p : defaults.problems()) {
        out.append("    invalid   ").append(p).append('\n');
      }
      for (String k : defaults.ignored()) {
        out.append("    ignored   ").append(k).append('\n');
      }
    }
    return out.toString();
  }

  private static String json(List<Row> rows, NginxDefaults defaults) {
    List<Map<String, Object>> ings = new ArrayList<>();
    for (Row row : rows) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("ingress", row.ingress());
      m.put("class", row.flavour());
      m.put("result", row.result());
      List<Map<String, String>> keys = new ArrayList<>();
      for (NginxResult.KeyOutcome k : row.annotations().keys()) {
        keys.add(
            Map.of(
                "annotation",
                k.key(),
                "outcome",
                k.outcome().name().toLowerCase(Locale.ROOT),
                "message",
                k.message()));
      }
      m.put("annotations", keys);
      ings.add(m);
    }
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("ingresses", ings);
    all.put("configMap", Map.of("invalid", defaults.problems(), "ignored", defaults.ignored()));
    return Serialization.asJson(all) + "\n";
  }
}
