package io.aralez.dataplane.source.consul;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aralez.dataplane.config.HostPort;
import io.aralez.dataplane.source.SourceThreads;
import io.aralez.dataplane.source.discovery.Discovery;
import io.aralez.dataplane.source.discovery.DiscoveryHealth;
import io.aralez.dataplane.source.discovery.Found;
import io.aralez.dataplane.source.discovery.ServiceSpec;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches Consul: one blocking query for the catalog of services tagged {@code aralez.service=yes},
 * and one per service (listed in upstreams.yaml or tagged) on {@code /v1/health/service/<name>},
 * with {@code ?passing} unless {@code only_passing: false}. Each answer that changes what is known
 * gives a new {@link Found}. Everything runs on one thread of its own.
 */
public final class ConsulDiscovery implements Discovery {
  private static final Logger LOG = LoggerFactory.getLogger(ConsulDiscovery.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ConsulSettings settings;
  private final DiscoveryHealth health;
  private final ScheduledExecutorService thread = SourceThreads.single("aralez-consul");
  private ConsulClient client;
  private Consumer<Found> onChange;
  // Touched on `thread` only.
  private final Map<String, ConsulWatch> watches = new HashMap<>();
  private final Map<String, List<HostPort>> instances = new TreeMap<>();
  private List<ServiceSpec> tagged = List.of();
  private final List<String> warnings = new ArrayList<>();
  private boolean catalogAnswered;
  private boolean complete;

  public ConsulDiscovery(ConsulSettings settings, DiscoveryHealth health) {
    this.settings = settings;
    this.health = health;
  }

  @Override
  public void start(Consumer<Found> onChange) {
    this.onChange = onChange;
    try {
      client = new ConsulClient(settings, thread);
    } catch (IOException | GeneralSecurityException e) {
      health.failed("tls", "cannot set up TLS for Consul: " + e.getMessage());
      return;
    }
    LOG.info("watching {}", settings);
    thread.execute(
        () -> {
          ConsulWatch catalog =
              new ConsulWatch(
                  "/v1/catalog/services",
                  Map.of("filter", ConsulTags.FILTER),
                  client,
                  thread,
                  health,
                  this::catalog);
          watches.put("", catalog);
          catalog.start();
          settings.services().forEach(s -> watch(s.service()));
        });
  }

  private void watch(String service) {
    if (watches.containsKey(service)) {
      return;
    }
    Map<String, String> query = settings.onlyPassing() ? Map.of("passing", "") : Map.of();
    ConsulWatch w =
        new ConsulWatch(
            "/v1/health/service/" + URLEncoder.encode(service, StandardCharsets.UTF_8),
            query,
            client,
            thread,
            health,
            body -> instances(service, body));
    watches.put(service, w);
    w.start();
  }

  /** {@code {"name": ["tag", ...], ...}}: the services that route themselves. */
  private void catalog(String body) throws IOException {
    JsonNode root = JSON.readTree(body);
    if (root == null || !root.isObject()) {
      throw new IOException("the catalog is not a JSON object");
    }
    List<ServiceSpec> next = new ArrayList<>();
    for (var it = root.fields(); it.hasNext(); ) {
      var e = it.next();
      List<String> tags = new ArrayList<>();
      if (e.getValue().isArray()) {
        e.getValue().forEach(t -> tags.add(t.asText()));
      }
      ConsulTags.parse(e.getKey(), tags, warnings).ifPresent(next::add);
    }
    next.sort((a, b) -> a.service().compareTo(b.service()));
    Set<String> wanted = new TreeSet<>();
    settings.services().forEach(s -> wanted.add(s.service()));
    next.forEach(s -> wanted.add(s.service()));
    for (String gone : new ArrayList<>(watches.keySet())) {
      if (!gone.isEmpty() && !wanted.contains(gone)) {
        watches.remove(gone).stop();
        instances.remove(gone);
      }
    }
    wanted.forEach(this::watch);
    boolean changed = !next.equals(tagged) || !catalogAnswered;
    tagged = List.copyOf(next);
    catalogAnswered = true;
    if (changed) {
      publish();
    }
  }

  /** {@code [{"Node": {...}, "Service": {...}, "Checks": [...]}, ...}}: where a service runs. */
  private void instances(String service, String body) throws IOException {
    JsonNode root = JSON.readTree(body);
    if (root == null || !root.isArray()) {
      throw new IOException("the instances of " + service + " are not a JSON array");
    }
    TreeSet<String> seen = new TreeSet<>();
    List<HostPort> next = new ArrayList<>();
    for (JsonNode entry : root) {
      JsonNode svc = entry.path("Service");
      String address = svc.path("Address").asText("");
      if (address.isEmpty()) {
        address = entry.path("Node").path("Address").asText("");
      }
      int port = svc.path("Port").asInt(0);
      try {
        String host = address.indexOf(':') >= 0 ? "[" + address + "]" : address;
        HostPort hp = HostPort.parse(host + ":" + port);
        if (seen.add(hp.toString())) {
          next.add(hp);
        }
      } catch (IllegalArgumentException e) {
        warnings.add(
            "consul service "
                + service
                + ": instance "
                + svc.path("ID").asText("?")
                + " has no usable address ("
                + e.getMessage()
                + "); left out");
      }
    }
    next.sort((a, b) -> a.toString().compareTo(b.toString()));
    List<HostPort> previous = instances.put(service, List.copyOf(next));
    if (!next.equals(previous)) {
      publish();
    }
  }

  private void publish() {
    // The first view waits for every watch's first answer: a partial one would route a service
    // with no backend (503) for a moment. After that, every change goes out as it comes.
    if (!complete) {
      complete =
          catalogAnswered
              && watches.keySet().stream().allMatch(s -> s.isEmpty() || instances.containsKey(s));
      if (!complete) {
        return;
      }
    }
    Found found = new Found(instances, tagged, warnings);
    warnings.clear();
    onChange.accept(found);
  }

  @Override
  public void close() {
    thread.execute(
        () -> {
          watches.values().forEach(ConsulWatch::stop);
          watches.clear();
        });
    thread.shutdown();
  }
}
