package io.aralez.controller.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.api.v1.EndpointSnapshot;
import io.aralez.api.v1.RouteSnapshot;
import io.aralez.controller.snapshot.BuildResult;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("catalogue-2.13")
class SnapshotStoreTest {
  private static BuildResult result(String r, String e) {
    return new BuildResult(
        RouteSnapshot.getDefaultInstance(),
        r,
        EndpointSnapshot.getDefaultInstance(),
        e,
        new TreeMap<>());
  }

  @Test
  void theNewestSnapshotAndWhatEachDataPlaneRuns() {
    SnapshotStore store = new SnapshotStore();
    List<String> published = new ArrayList<>();
    int[] podChanges = {0};
    store.onSnapshot(r -> published.add(r.version()));
    store.onPodsChange(() -> podChanges[0]++);
    assertThat(store.current()).isNull();
    store.publish(result("r1", "e1"));
    store.publish(result("r1", "e2"));
    assertThat(store.current().version()).isEqualTo("r1.e2");
    assertThat(published).containsExactly("r1.e1", "r1.e2");

    Object a = new Object();
    Object b = new Object();
    store.pod(b, new SnapshotStore.PodView("dp-b", ".", null), null);
    store.pod(a, new SnapshotStore.PodView("dp-a", "r1.e2", null), true);
    store.pod(b, new SnapshotStore.PodView("dp-b", ".", "bad host"), false);
    assertThat(store.pods())
        .extracting(SnapshotStore.PodView::nodeId)
        .containsExactly("dp-a", "dp-b");
    assertThat(store.pods().get(1).lastNack()).isEqualTo("bad host");
    assertThat(store.acks()).isEqualTo(1);
    assertThat(store.nacks()).isEqualTo(1);
    store.podGone(b);
    store.podGone(b);
    assertThat(store.pods()).hasSize(1);
    assertThat(podChanges[0]).isEqualTo(4);
  }

  @Test
  void aFailingListenerDoesNotBreakTheStreamThatReported() {
    SnapshotStore store = new SnapshotStore();
    store.onPodsChange(
        () -> {
          throw new IllegalStateException("caches not started");
        });
    Object stream = new Object();
    // It used to throw into the gRPC call, which broke the stream and left the pod listed twice.
    store.pod(stream, new SnapshotStore.PodView("dp", ".", null), null);
    store.podGone(stream);
    assertThat(store.pods()).isEmpty();
  }
}
