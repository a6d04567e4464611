package io.aralez.dataplane.source.kubernetes;

import io.aralez.dataplane.config.HostPort;
import io.aralez.dataplane.source.SourceThreads;
import io.aralez.dataplane.source.discovery.Discovery;
import io.aralez.dataplane.source.discovery.DiscoveryHealth;
import io.aralez.dataplane.source.discovery.Found;
import io.aralez.dataplane.source.discovery.ServiceSpec;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The original's Kubernetes provider, done with a watch: an informer on the namespace's
 * EndpointSlices (those labelled {@code kubernetes.io/service-name}); the ready endpoints of each
 * listed Service, every address with every port of its slices, are its instances. The informer's
 * cache outlives an API-server outage, so the last good backends keep serving while it reconnects.
 */
public final class KubernetesDiscovery implements Discovery {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesDiscovery.class);
  static final String SERVICE_LABEL = "kubernetes.io/service-name";

  /** How often the watch's state is looked at for {@code /status} and the error counter. */
  static final long CHECK_MILLIS = 1000;

  private final KubernetesDiscoverySettings settings;
  private final DiscoveryHealth health;
  private final Set<String> services = new HashSet<>();
  private final ScheduledExecutorService thread = SourceThreads.single("aralez-kubernetes");
  private KubernetesClient client;
  private SharedIndexInformer<EndpointSlice> informer;
  private Consumer<Found> onChange;
  private Map<String, List<HostPort>> last;

  public KubernetesDiscovery(KubernetesDiscoverySettings settings, DiscoveryHealth health) {
    this.settings = settings;
    this.health = health;
    settings.services().forEach(s -> services.add(s.service()));
  }

  @Override
  public void start(Consumer<Found> onChange) {
    this.onChange = onChange;
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(settings.server().toString())
            .withNamespace(settings.namespace())
            .withCaCertFile(settings.caFile() == null ? null : settings.caFile().toString())
            .withOauthTokenProvider(
                settings.tokenFile() == null ? null : new TokenFile(settings.tokenFile()))
            .withConnectionTimeout(5_000)
            .withRequestTimeout(10_000)
            .withWatchReconnectInterval(1_000)
            .build();
    client = new KubernetesClientBuilder().withConfig(config).build();
    informer =
        client
            .discovery()
            .v1()
            .endpointSlices()
            .inNamespace(settings.namespace())
            .withLabel(SERVICE_LABEL)
            .runnableInformer(0);
    informer.exceptionHandler(
        (started, t) -> {
          health.failed("api_error", t.getMessage() == null ? t.toString() : t.getMessage());
          return true;
        });
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(EndpointSlice s) {
            changed();
          }

          @Override
          public void onUpdate(EndpointSlice before, EndpointSlice after) {
            changed();
          }

          @Override
          public void onDelete(EndpointSlice s, boolean finalStateUnknown) {
            changed();
          }
        });
    LOG.info(
        "watching EndpointSlices of {} in namespace {} at {}",
        services,
        settings.namespace(),
        settings.server());
    informer.start();
    thread.scheduleWithFixedDelay(this::check, 0, CHECK_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void changed() {
    thread.execute(this::publish);
  }

  /** The watch's state into the health record; the first full view once the cache is listed. */
  private void check() {
    if (informer.isWatching()) {
      health.answered();
      if (last == null && informer.hasSynced()) {
        publish();
      }
    } else if (informer.hasSynced() || last != null) {
      health.failed("unreachable", "the EndpointSlice watch on " + settings.server() + " is down");
    }
  }

  private void publish() {
    if (!informer.hasSynced()) {
      return;
    }
    Map<String, List<HostPort>> next = instances(informer.getStore().list(), services);
    if (!next.equals(last)) {
      last = next;
      onChange.accept(new Found(next, List.<ServiceSpec>of(), List.of()));
    }
  }

  /** Per listed Service, every ready address with every port of its slices, sorted. Pure. */
  static Map<String, List<HostPort>> instances(List<EndpointSlice> slices, Set<String> services) {
    Map<String, Set<String>> seen = new TreeMap<>();
    Map<String, List<HostPort>> out = new TreeMap<>();
    services.forEach(s -> out.put(s, new ArrayList<>()));
    for (EndpointSlice slice : slices) {
      String service =
          slice.getMetadata().getLabels() == null
              ? null
              : slice.getMetadata().getLabels().get(SERVICE_LABEL);
      if (service == null || !services.contains(service) || slice.getPorts() == null) {
        continue;
      }
      for (Endpoint e : slice.getEndpoints() == null ? List.<Endpoint>of() : slice.getEndpoints()) {
        if (e.getConditions() != null && Boolean.FALSE.equals(e.getConditions().getReady())) {
          continue;
        }
        for (String address : e.getAddresses() == null ? List.<String>of() : e.getAddresses()) {
          for (EndpointPort p : slice.getPorts()) {
            if (p.getPort() == null) {
              continue;
            }
            try {
              String host = address.indexOf(':') >= 0 ? "[" + address + "]" : address;
              HostPort hp = HostPort.parse(host + ":" + p.getPort());
              if (hp.ipLiteral()
                  && seen.computeIfAbsent(service, k -> new HashSet<>()).add(hp.toString())) {
                out.get(service).add(hp);
              }
            } catch (IllegalArgumentException ex) {
              // not an address: skipped (an EndpointSlice of FQDNs has no IP to connect to)
            }
          }
        }
      }
    }
    out.values().forEach(l -> l.sort((a, b) -> a.toString().compareTo(b.toString())));
    Map<String, List<HostPort>> frozen = new TreeMap<>();
    out.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
    return frozen;
  }

  @Override
  public void close() {
    thread.shutdownNow();
    if (informer != null) {
      informer.close();
    }
    if (client != null) {
      client.close();
    }
  }

  /** The bearer token, read again whenever the projected file changed (rotation). */
  private static final class TokenFile implements io.fabric8.kubernetes.client.OAuthTokenProvider {
    private final java.nio.file.Path file;
    private java.nio.file.attribute.FileTime readAt;
    private String token;

    TokenFile(java.nio.file.Path file) {
      this.file = file;
    }

    @Override
    public synchronized String getToken() {
      try {
        var modified = java.nio.file.Files.getLastModifiedTime(file);
        if (token == null || !modified.equals(readAt)) {
          token = java.nio.file.Files.readString(file).strip();
          readAt = modified;
        }
      } catch (java.io.IOException e) {
        LOG.warn("cannot read the token {}: {}; using the last one", file, e.toString());
      }
      return token;
    }
  }
}
