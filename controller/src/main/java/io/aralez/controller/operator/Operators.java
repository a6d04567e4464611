package io.aralez.controller.operator;

import io.aralez.controller.ControllerOptions;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.javaoperatorsdk.operator.processing.event.rate.LinearRateLimiter;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds and starts the JOSDK {@link Operator} that runs the controller. */
public final class Operators {
  private static final Logger LOG = LoggerFactory.getLogger(Operators.class);
  static final Duration LEASE_DURATION = Duration.ofSeconds(15);
  static final Duration RENEW_DEADLINE = Duration.ofSeconds(10);
  static final Duration RETRY_PERIOD = Duration.ofSeconds(2);

  private Operators() {}

  /**
   * Starts the operator: the event sources' informers on every replica (so every replica builds
   * snapshots for its data planes), the status reconciler on the leader only.
   *
   * @param onLeadership told true when this replica starts leading, false when it stops
   */
  public static Operator start(
      KubernetesClient client,
      ControllerOptions options,
      String identity,
      ClusterEvents events,
      StatusReconciler.StatusJob statusJob,
      MeterRegistry registry,
      Consumer<Boolean> onLeadership) {
    Operator operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  // The mock API server of the tests has no server-side apply; status is written
                  // with merge patches by the status writer anyway.
                  .withUseSSAToPatchPrimaryResource(false)
                  .withSSABasedCreateUpdateMatchForDependentResources(false)
                  .withCloseClientOnStop(false)
                  .withStopOnInformerErrorDuringStartup(true)
                  .withCacheSyncTimeout(Duration.ofMinutes(2))
                  .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry));
              if (options.leaderElection()) {
                o.withLeaderElectionConfiguration(
                    LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(
                            options.leaseName())
                        .withLeaseNamespace(options.leaseNamespace())
                        .withIdentity(identity)
                        .withLeaseDuration(LEASE_DURATION)
                        .withRenewDeadline(RENEW_DEADLINE)
                        .withRetryPeriod(RETRY_PERIOD)
                        // A replica that loses the lease keeps serving snapshots; it only stops
                        // writing status (JOSDK stops its reconciliations).
                        .withExitOnStopLeading(false)
                        .withLeaderCallbacks(
                            new LeaderCallbacks(
                                () -> {
                                  LOG.info("leading: this replica writes status");
                                  onLeadership.accept(true);
                                },
                                () -> {
                                  LOG.info("no longer leading");
                                  onLeadership.accept(false);
                                },
                                id -> LOG.info("leader is {}", id)))
                        .build());
              }
            });
    operator.register(
        new StatusReconciler(events, statusJob),
        c ->
            c.withName("aralez-status")
                .withGenericFilter((IngressClass ic) -> events.ours(ic))
                .withRetry(GenericRetry.defaultLimitedExponentialRetry())
                // One status pass a second at most: a pass compares every served object, and
                // ACKs arrive per data plane; events meanwhile are coalesced into the next pass.
                .withRateLimiter(new LinearRateLimiter(Duration.ofSeconds(1), 1)));
    try {
      operator.start();
    } catch (RuntimeException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof KubernetesClientException k && k.getCode() == 404) {
          throw new IllegalStateException(
              "a watched resource is not served by the API server (is the AralezRoute CRD"
                  + " installed? kubectl apply -f crds/): "
                  + k.getMessage(),
              e);
        }
      }
      throw e;
    }
    return operator;
  }
}
