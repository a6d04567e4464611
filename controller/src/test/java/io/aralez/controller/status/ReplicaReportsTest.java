package io.aralez.controller.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.controller.store.SnapshotStore.PodView;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Against the fabric8 mock API server (CRUD mode). */
@EnableKubernetesMockClient(crud = true)
class ReplicaReportsTest {
  KubernetesClient client;

  @Test
  void theLeaderAddsUpFreshReportsOfEveryReplica() {
    ReplicaReports a = new ReplicaReports(client, "aralez", "controller-0");
    ReplicaReports b = new ReplicaReports(client, "aralez", "Controller_1");
    PodView p0 = new PodView("dp-0", "r1.e1", null);
    PodView p1 = new PodView("dp-1", "r0.e1", "bad host");
    b.publish(List.of(p1));
    a.publish(List.of(p0));
    assertThat(a.all(List.of(p0))).containsExactlyInAnyOrder(p0, p1);
    assertThat(b.all(List.of(p1))).containsExactlyInAnyOrder(p0, p1);

    // A replica that stopped renewing drops out.
    Lease stale =
        client.leases().inNamespace("aralez").withName("aralez-dataplanes-controller-1").get();
    stale.getSpec().setRenewTime(ZonedDateTime.now().minusMinutes(5));
    client.resource(stale).update();
    assertThat(a.all(List.of(p0))).containsExactly(p0);

    b.withdraw();
    assertThat(client.leases().inNamespace("aralez").list().getItems()).hasSize(1);
  }
}
