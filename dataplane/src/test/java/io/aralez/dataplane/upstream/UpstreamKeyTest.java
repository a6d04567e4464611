package io.aralez.dataplane.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.dataplane.config.HostPort;
import io.aralez.dataplane.config.ProxyConfig.Backend;
import io.aralez.dataplane.config.ProxyConfig.Route;
import io.aralez.dataplane.config.UpstreamProtocol;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pool key a request gets: what it says, and that plain backends do not make one each time. */
class UpstreamKeyTest {
  final HostPort address = HostPort.parse("10.0.0.1:8080");
  final Route route = Route.plain("a.test", "/", List.of(new Backend(address)));
  final BackendState state = new BackendRegistry().get(address);

  @Test
  void aPlainBackendKeepsOneKeyPerProtocol() {
    UpstreamKey first = UpstreamKey.choose(route, state, address, false, false, "a.test");
    UpstreamKey again = UpstreamKey.choose(route, state, address, false, false, "b.test");
    assertThat(again).isSameAs(first);
    assertThat(first.protocol()).isEqualTo(UpstreamProtocol.HTTP);
    assertThat(first.sni()).as("no TLS, no server name").isNull();
    assertThat(first.address()).isEqualTo(address);

    UpstreamKey grpc = UpstreamKey.choose(route, state, address, true, false, "a.test");
    assertThat(grpc.protocol()).as("gRPC to a plain backend: h2c").isEqualTo(UpstreamProtocol.H2C);
    assertThat(UpstreamKey.choose(route, state, address, true, false, "a.test")).isSameAs(grpc);
    assertThat(grpc).isNotEqualTo(first);
  }

  @Test
  void aKeyMadeOnceEqualsOneMadeFresh() {
    UpstreamKey cached = UpstreamKey.choose(route, state, address, false, false, null);
    UpstreamKey fresh = new UpstreamKey(address, UpstreamProtocol.HTTP, null, false, null);
    assertThat(cached).isEqualTo(fresh).hasSameHashCodeAs(fresh);
  }

  @Test
  void anotherAddressThanTheStatesGetsItsOwnKey() {
    HostPort other = HostPort.parse("10.0.0.2:8080");
    UpstreamKey key = UpstreamKey.choose(route, state, other, false, false, null);
    assertThat(key.address()).isEqualTo(other);
  }
}
