package io.aralez.controller.snapshot;

import static io.aralez.controller.snapshot.Objects.service;
import static io.aralez.controller.snapshot.Objects.slice;
import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.api.v1.Cluster;
import io.aralez.api.v1.Endpoint;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClustersTest {
  private final Lookups lookups =
      new Lookups(
          List.of(service("ns", "web", "http=80", "grpc=9000/grpc", "=8080")),
          List.of(
              slice("ns", "web-1", "web", "http=8080", "10.0.0.2", "10.0.0.1", "10.0.0.3!"),
              slice("ns", "web-2", "web", "http=8080", "10.0.0.1", "10.0.0.4~", "fd00::1"),
              slice("ns", "web-3", "web", "grpc=9090", "10.0.1.1"),
              slice("ns", "web-4", "web", "=8081", "10.0.2.1")),
          List.of());

  @Test
  void readyAddressesOfAServicePortSortedAndDeduplicated() {
    assertThat(Clusters.readyEndpoints(lookups, "ns/web", "http"))
        .extracting(e -> e.getAddress() + ":" + e.getPort())
        .containsExactly("10.0.0.1:8080", "10.0.0.2:8080", "fd00::1:8080");
    assertThat(Clusters.readyEndpoints(lookups, "ns/web", "grpc"))
        .extracting(Endpoint::getPort)
        .containsExactly(9090);
    assertThat(Clusters.readyEndpoints(lookups, "ns/web", null))
        .extracting(Endpoint::getAddress)
        .containsExactly("10.0.2.1");
    assertThat(Clusters.readyEndpoints(lookups, "ns/missing", "http")).isEmpty();
  }

  @Test
  void aServicePortBecomesOneClusterNamedByPortAndProtocol() {
    Clusters clusters = new Clusters(lookups);
    ObjectReport report = new ObjectReport(new Objects.Ing("ns", "i", "t").build());
    assertThat(clusters.cluster(report, "ns", "web", 80, null, null)).isEqualTo("ns/web:80");
    assertThat(clusters.cluster(report, "ns", "web", null, "http", null)).isEqualTo("ns/web:80");
    assertThat(clusters.cluster(report, "ns", "web", null, "grpc", null))
        .isEqualTo("ns/web:9000/H2C");
    assertThat(clusters.cluster(report, "ns", "web", 80, null, "HTTPS"))
        .isEqualTo("ns/web:80/HTTPS");
    assertThat(clusters.clusters.get("ns/web:9000/H2C").getProtocol())
        .isEqualTo(Cluster.Protocol.H2C);
    assertThat(report.warnings).isEmpty();
    assertThat(clusters.cluster(report, "ns", "nope", 80, null, null)).isNull();
    assertThat(clusters.cluster(report, "ns", "web", 81, null, null)).isNull();
    assertThat(report.warnings).hasSize(2);
    assertThat(report.resolvedRefs).isFalse();
  }
}
