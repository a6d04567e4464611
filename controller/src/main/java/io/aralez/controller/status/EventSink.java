package io.aralez.controller.status;

import io.aralez.controller.snapshot.ObjectRef;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events on the Ingresses and AralezRoutes the controller serves (what {@code kubectl describe}
 * shows). An Event that cannot be written is logged, never fatal: it is a report, not state.
 */
public final class EventSink {
  private static final Logger LOG = LoggerFactory.getLogger(EventSink.class);
  private static final int MAX_MESSAGE = 1000;

  private final KubernetesClient client;

  public EventSink(KubernetesClient client) {
    this.client = client;
  }

  /**
   * @param warning Warning (else Normal)
   */
  public void emit(ObjectRef ref, boolean warning, String reason, String message) {
    String text = message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) : message;
    String now = Instant.now().toString();
    try {
      client
          .v1()
          .events()
          .inNamespace(ref.namespace())
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withGenerateName(ref.name() + ".")
                  .withNamespace(ref.namespace())
                  .endMetadata()
                  .withNewInvolvedObject()
                  .withKind(ref.kind())
                  .withNamespace(ref.namespace())
                  .withName(ref.name())
                  .withApiVersion(
                      switch (ref.kind()) {
                        case "Ingress" -> "networking.k8s.io/v1";
                        case "ConfigMap" -> "v1";
                        default -> "aralez.io/v1alpha1";
                      })
                  .endInvolvedObject()
                  .withType(warning ? "Warning" : "Normal")
                  .withReason(reason)
                  .withMessage(text)
                  .withNewSource("aralez-controller", null)
                  .withFirstTimestamp(now)
                  .withLastTimestamp(now)
                  .withCount(1)
                  .build())
          .create();
    } catch (KubernetesClientException e) {
      LOG.warn("event {} on {} not written: {}", reason, ref, e.getMessage());
    }
  }
}
