package io.aralez.dataplane.source.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.dataplane.config.HostPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KubernetesDiscoveryTest {
  private static EndpointSlice slice(String name, String service, int[] ports, Object[]... eps) {
    EndpointSliceBuilder b =
        new EndpointSliceBuilder()
            .withNewMetadata()
            .withName(name)
            .withLabels(
                service == null ? Map.of() : Map.of(KubernetesDiscovery.SERVICE_LABEL, service))
            .endMetadata()
            .withAddressType("IPv4");
    for (int p : ports) {
      b.addNewPort().withPort(p).endPort();
    }
    for (Object[] e : eps) {
      b.addToEndpoints(
          new EndpointBuilder()
              .withAddresses((String) e[0])
              .withNewConditions()
              .withReady((Boolean) e[1])
              .endConditions()
              .build());
    }
    return b.build();
  }

  @Test
  void readyAddressesTimesPortsPerListedService() {
    var out =
        KubernetesDiscovery.instances(
            List.of(
                slice(
                    "web-1",
                    "web",
                    new int[] {8080},
                    new Object[] {"10.0.0.2", true},
                    new Object[] {"10.0.0.1", null},
                    new Object[] {"10.0.0.3", false}),
                slice("web-2", "web", new int[] {8080}, new Object[] {"10.0.0.1", true}),
                slice("multi", "multi", new int[] {80, 81}, new Object[] {"10.0.1.1", true}),
                slice("fqdn", "web", new int[] {80}, new Object[] {"example.com", true}),
                slice("other", "not-listed", new int[] {80}, new Object[] {"10.9.9.9", true}),
                slice("unlabelled", null, new int[] {80}, new Object[] {"10.9.9.8", true})),
            Set.of("web", "multi", "absent"));
    assertThat(out.get("web"))
        .extracting(HostPort::toString)
        .containsExactly("10.0.0.1:8080", "10.0.0.2:8080");
    assertThat(out.get("multi"))
        .extracting(HostPort::toString)
        .containsExactly("10.0.1.1:80", "10.0.1.1:81");
    assertThat(out.get("absent")).isEmpty();
    assertThat(out).doesNotContainKey("not-listed");
  }
}
