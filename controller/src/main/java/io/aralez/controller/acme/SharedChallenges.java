package io.aralez.controller.acme;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's challenge tokens for the other replicas (whose data planes must answer too), in an
 * annotation of a Lease in the controller's namespace: the controller may already read, watch and
 * write Leases there, so this needs no more rights. Key authorizations are public by design.
 */
final class SharedChallenges implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SharedChallenges.class);
  static final String NAME = "aralez-acme-challenges";
  static final String ANNOTATION = "aralez.io/acme-challenges";

  private final KubernetesClient client;
  private final String namespace;
  private final SharedIndexInformer<Lease> informer;

  SharedChallenges(KubernetesClient client, String namespace, ChallengeBoard board) {
    this.client = client;
    this.namespace = namespace;
    board.share(this);
    this.informer =
        client
            .leases()
            .inNamespace(namespace)
            .withName(NAME)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Lease l) {
                    board.othersChanged(read(l));
                  }

                  @Override
                  public void onUpdate(Lease old, Lease l) {
                    board.othersChanged(read(l));
                  }

                  @Override
                  public void onDelete(Lease l, boolean unknown) {
                    board.othersChanged(new TreeMap<>());
                  }
                });
  }

  @SuppressWarnings("unchecked")
  static SortedMap<String, String> read(Lease l) {
    var a = l.getMetadata().getAnnotations();
    String json = a == null ? null : a.get(ANNOTATION);
    SortedMap<String, String> out = new TreeMap<>();
    if (json != null) {
      try {
        Map<String, Object> m = Serialization.unmarshal(json, Map.class);
        m.forEach((k, v) -> out.put(k, String.valueOf(v)));
      } catch (RuntimeException e) {
        LOG.warn("ignoring a malformed {} annotation: {}", ANNOTATION, e.getMessage());
      }
    }
    return out;
  }

  void write(SortedMap<String, String> tokens) {
    Lease lease =
        new LeaseBuilder()
            .withNewMetadata()
            .withNamespace(namespace)
            .withName(NAME)
            .withAnnotations(Map.of(ANNOTATION, Serialization.asJson(tokens)))
            .endMetadata()
            .withNewSpec()
            .endSpec()
            .build();
    try {
      client.resource(lease).createOr(l -> l.update());
    } catch (KubernetesClientException e) {
      LOG.warn("challenge tokens not shared with the other replicas: {}", e.getMessage());
    }
  }

  @Override
  public void close() {
    informer.close();
  }
}
