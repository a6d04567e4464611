package io.aralez.controller.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.function.BiPredicate;

/**
 * A JOSDK informer event source whose changes also reach the snapshot trigger. JOSDK hands events
 * to the reconciler on the leader only; the snapshot is built on every replica (each serves its own
 * data planes), so every replica taps the same informer. Updates that change only what the build
 * does not read (status, resourceVersion, managed fields) are filtered for both.
 */
final class TappedInformerEventSource<R extends HasMetadata>
    extends InformerEventSource<R, IngressClass> {
  private final BiPredicate<R, R> matters;
  private final Runnable tap;

  TappedInformerEventSource(
      InformerEventSourceConfiguration<R> configuration,
      EventSourceContext<IngressClass> context,
      BiPredicate<R, R> matters,
      Runnable tap) {
    super(configuration, context);
    this.matters = matters;
    this.tap = tap;
  }

  @Override
  public void onAdd(R resource) {
    tap.run();
    super.onAdd(resource);
  }

  @Override
  public void onUpdate(R oldResource, R newResource) {
    if (matters.test(oldResource, newResource)) {
      tap.run();
    }
    super.onUpdate(oldResource, newResource);
  }

  @Override
  public void onDelete(R resource, boolean deletedFinalStateUnknown) {
    tap.run();
    super.onDelete(resource, deletedFinalStateUnknown);
  }
}
