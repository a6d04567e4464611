package io.aralez.controller.operator;

import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Duration;
import java.util.List;

/**
 * The one JOSDK reconciler. Its primary is our IngressClass; every watched kind maps to it, so one
 * reconciliation at a time brings the statuses of all served objects in line with the newest
 * snapshot and what the data planes run. It runs on the leader only (JOSDK's leader election);
 * JOSDK retries it with backoff when a write fails. It writes nothing but status and Events.
 */
public final class StatusReconciler implements Reconciler<IngressClass> {
  /** Statuses are re-checked this often even without events (data-plane reports of replicas). */
  static final Duration REFRESH = Duration.ofSeconds(10);

  /** What a reconciliation does: write the statuses of the newest snapshot. */
  public interface StatusJob {
    void writeStatus();
  }

  private final ClusterEvents events;
  private final StatusJob job;

  StatusReconciler(ClusterEvents events, StatusJob job) {
    this.events = events;
    this.job = job;
  }

  @Override
  public List<EventSource<?, IngressClass>> prepareEventSources(
      EventSourceContext<IngressClass> context) {
    return events.eventSources(context);
  }

  @Override
  public UpdateControl<IngressClass> reconcile(IngressClass ours, Context<IngressClass> context) {
    job.writeStatus();
    return UpdateControl.<IngressClass>noUpdate().rescheduleAfter(REFRESH);
  }
}
