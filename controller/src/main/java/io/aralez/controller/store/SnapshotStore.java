package io.aralez.controller.store;

import io.aralez.controller.snapshot.BuildResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The controller's one record of what it serves: the newest snapshot, and per connected data plane
 * the version it runs and its last refusal. The build publishes here; the gRPC service streams from
 * here and reports ACKs and NACKs here; status reads here. Nothing is read back out of the stream.
 */
public final class SnapshotStore {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(SnapshotStore.class);

  /** What is known about one connected data plane. */
  public record PodView(String nodeId, String appliedVersion, String lastNack) {}

  private final Map<Object, PodView> pods = new ConcurrentHashMap<>();
  private final List<Consumer<BuildResult>> snapshotListeners = new CopyOnWriteArrayList<>();
  private final List<Runnable> podListeners = new CopyOnWriteArrayList<>();
  private final AtomicLong acks = new AtomicLong();
  private final AtomicLong nacks = new AtomicLong();
  private volatile BuildResult current;

  /** Makes {@code result} the newest snapshot and tells every listener (the streams). */
  public void publish(BuildResult result) {
    current = result;
    for (Consumer<BuildResult> l : snapshotListeners) {
      l.accept(result);
    }
  }

  /** The newest snapshot, or null before the first build. */
  public BuildResult current() {
    return current;
  }

  public void onSnapshot(Consumer<BuildResult> listener) {
    snapshotListeners.add(listener);
  }

  /** Called when a data plane connects, disconnects, ACKs or NACKs. */
  public void onPodsChange(Runnable listener) {
    podListeners.add(listener);
  }

  /**
   * A data plane (identified by {@code stream}) connected or answered; null {@code ack} for none.
   */
  public void pod(Object stream, PodView view, Boolean ack) {
    pods.put(stream, view);
    if (Boolean.TRUE.equals(ack)) {
      acks.incrementAndGet();
    } else if (Boolean.FALSE.equals(ack)) {
      nacks.incrementAndGet();
    }
    tellPodListeners();
  }

  public void podGone(Object stream) {
    if (pods.remove(stream) != null) {
      tellPodListeners();
    }
  }

  /**
   * Listeners only take note (status, ACME); one that fails must not break the data plane's stream
   * that reported, or the pod would stay listed after its stream died.
   */
  private void tellPodListeners() {
    for (Runnable l : podListeners) {
      try {
        l.run();
      } catch (RuntimeException e) {
        LOG.warn("a data-plane listener failed: {}", e.toString());
      }
    }
  }

  /** The connected data planes, by node id. */
  public List<PodView> pods() {
    List<PodView> out = new ArrayList<>(pods.values());
    out.sort(Comparator.comparing(PodView::nodeId));
    return out;
  }

  public long acks() {
    return acks.get();
  }

  public long nacks() {
    return nacks.get();
  }
}
