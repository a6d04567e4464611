package io.aralez.controller.snapshot;

import io.aralez.api.v1.HeaderMatch;
import io.aralez.api.v1.Route;
import io.aralez.api.v1.WeightedCluster;
import io.aralez.controller.snapshot.nginx.NginxResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Processor: ingress-nginx canaries merged into their main routes. For a main route of the same
 * host and path: routes with the canary header ("always" or the configured value → canary, "never"
 * → main) and cookie ("always" / "never"), tried before the main route because they have more
 * conditions (headers before cookies), and the main route's backends shared by weight. A canary
 * without a main route serves nothing (404), as in ingress-nginx. With affinity-canary-behavior
 * legacy the canary's clusters are marked to stay out of the cookie affinity.
 */
final class Canaries {
  /** A canary Ingress's route waiting for its main route. */
  record Intent(
      ObjectReport report, String host, String key, Route route, NginxResult.Canary spec) {}

  private Canaries() {}

  /** Applies {@code intents} to {@code table} (route key → claimed route) of {@code host}. */
  static void apply(String host, Map<String, HostClaims.Claimed> table, List<Intent> intents) {
    List<String> used = new ArrayList<>();
    for (Intent in : intents) {
      if (!in.host().equals(host)) {
        continue;
      }
      HostClaims.Claimed main = table.get(in.key());
      if (main == null) {
        in.report()
            .warnings
            .add(
                "canary for host "
                    + host
                    + " path "
                    + in.route().getPath().getValue()
                    + ": no main Ingress serves it, so it serves nothing");
        continue;
      }
      if (used.contains(in.key())) {
        in.report()
            .warnings
            .add(
                "host "
                    + host
                    + " path "
                    + in.route().getPath().getValue()
                    + " already has a canary (older); this one is ignored");
        continue;
      }
      used.add(in.key());
      List<WeightedCluster> canary = in.route().getBackendsList();
      if (in.spec().legacyAffinity()) {
        canary = canary.stream().map(w -> w.toBuilder().setNoAffinity(true).build()).toList();
      }
      Route base = main.route();
      List<WeightedCluster> mainBackends = base.getBackendsList();
      NginxResult.Canary spec = in.spec();
      List<Route> extra = new ArrayList<>();
      if (spec.header() != null) {
        if (spec.headerValue() != null) {
          extra.add(variant(base, "header", spec.header(), spec.headerValue(), canary, false));
        } else if (spec.headerPattern() != null) {
          Route r =
              variant(base, "header-pattern", spec.header(), spec.headerPattern(), canary, false);
          Route.Builder b = r.toBuilder();
          b.setHeaders(0, b.getHeaders(0).toBuilder().setRegex(true));
          extra.add(b.build());
        } else {
          extra.add(variant(base, "header", spec.header(), "always", canary, false));
          extra.add(variant(base, "header", spec.header(), "never", mainBackends, false));
        }
      }
      if (spec.cookie() != null) {
        extra.add(variant(base, "cookie", spec.cookie(), "always", canary, true));
        extra.add(variant(base, "cookie", spec.cookie(), "never", mainBackends, true));
      }
      for (Route r : extra) {
        table.putIfAbsent(
            HostClaims.routeKey(r.toBuilder()), new HostClaims.Claimed(main.owner(), r));
      }
      if (spec.weight() > 0 && !mainBackends.isEmpty() && !canary.isEmpty()) {
        table.put(in.key(), new HostClaims.Claimed(main.owner(), weighted(base, canary, spec)));
      }
    }
  }

  private static Route variant(
      Route base,
      String kind,
      String name,
      String value,
      List<WeightedCluster> backends,
      boolean cookie) {
    Route.Builder b =
        base.toBuilder()
            .setId(base.getId() + "/canary-" + kind + "-" + value)
            .clearBackends()
            .addAllBackends(backends);
    if (backends.isEmpty()) {
      b.setDirectStatus(503);
    }
    HeaderMatch m = HeaderMatch.newBuilder().setName(name).setValue(value).build();
    if (cookie) {
      b.addCookies(m);
    } else {
      b.addHeaders(m);
    }
    return b.build();
  }

  /** The main route with the canary's backends taking weight/total of its requests. */
  private static Route weighted(Route base, List<WeightedCluster> canary, NginxResult.Canary spec) {
    long mainSum = base.getBackendsList().stream().mapToLong(WeightedCluster::getWeight).sum();
    long canarySum = canary.stream().mapToLong(WeightedCluster::getWeight).sum();
    Route.Builder b = base.toBuilder().clearBackends();
    for (WeightedCluster w : base.getBackendsList()) {
      long share = w.getWeight() * canarySum * (spec.total() - spec.weight());
      b.addBackends(w.toBuilder().setWeight((int) Math.min(Integer.MAX_VALUE, share)));
    }
    for (WeightedCluster w : canary) {
      long share = w.getWeight() * mainSum * spec.weight();
      b.addBackends(w.toBuilder().setWeight((int) Math.min(Integer.MAX_VALUE, share)));
    }
    return b.build();
  }
}
