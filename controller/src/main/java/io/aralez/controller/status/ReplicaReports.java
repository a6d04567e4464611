package io.aralez.controller.status;

import io.aralez.controller.store.SnapshotStore.PodView;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every controller replica serves some of the data planes, but only the leader writes status. So
 * each replica publishes which data planes it serves, and what they run, in a Lease of its own
 * (renewed while it lives); the leader adds up the fresh ones. A replica that died stops renewing
 * and drops out after {@link #STALE}.
 */
public final class ReplicaReports {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaReports.class);
  static final String LABEL = "aralez.io/dataplane-report";
  static final String ANNOTATION = "aralez.io/dataplanes";
  static final Duration STALE = Duration.ofSeconds(30);

  private final KubernetesClient client;
  private final String namespace;
  private final String identity;
  private final String name;

  public ReplicaReports(KubernetesClient client, String namespace, String identity) {
    this.client = client;
    this.namespace = namespace;
    this.identity = identity;
    this.name = ("aralez-dataplanes-" + identity.toLowerCase()).replaceAll("[^a-z0-9.-]", "-");
  }

  /** Writes this replica's data planes (also a heartbeat). */
  public void publish(List<PodView> own) {
    Lease lease =
        new LeaseBuilder()
            .withNewMetadata()
            .withNamespace(namespace)
            .withName(name)
            .withLabels(Map.of(LABEL, "true"))
            .withAnnotations(Map.of(ANNOTATION, Serialization.asJson(own)))
            .endMetadata()
            .withNewSpec()
            .withHolderIdentity(identity)
            .withLeaseDurationSeconds((int) STALE.toSeconds())
            .withRenewTime(ZonedDateTime.now(ZoneOffset.UTC))
            .endSpec()
            .build();
    try {
      client.resource(lease).createOr(l -> l.update());
    } catch (KubernetesClientException e) {
      LOG.warn("data-plane report not written: {}", e.getMessage());
    }
  }

  /** The data planes of every replica whose report is fresh, this one's own taken live. */
  public List<PodView> all(List<PodView> own) {
    List<PodView> out = new ArrayList<>(own);
    ZonedDateTime cutoff = ZonedDateTime.now(ZoneOffset.UTC).minus(STALE);
    try {
      for (Lease l :
          client.leases().inNamespace(namespace).withLabel(LABEL, "true").list().getItems()) {
        if (l.getMetadata().getName().equals(name)
            || l.getSpec() == null
            || l.getSpec().getRenewTime() == null
            || l.getSpec().getRenewTime().isBefore(cutoff)) {
          continue;
        }
        String json =
            l.getMetadata().getAnnotations() == null
                ? null
                : l.getMetadata().getAnnotations().get(ANNOTATION);
        if (json != null) {
          out.addAll(List.of(Serialization.unmarshal(json, PodView[].class)));
        }
      }
    } catch (KubernetesClientException | IllegalArgumentException e) {
      LOG.warn("data-plane reports of other replicas not read: {}", e.getMessage());
    }
    return out;
  }

  /** Removes this replica's report at shutdown. */
  public void withdraw() {
    try {
      client.leases().inNamespace(namespace).withName(name).delete();
    } catch (KubernetesClientException e) {
      LOG.debug("report not withdrawn: {}", e.getMessage());
    }
  }
}
