package io.aralez.dataplane.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

class HeaderRewriterTest {
  @Test
  void everyNameAConnectionFieldListsIsRemovedWithTheHopByHopOnes() {
    HttpHeaders h =
        new DefaultHttpHeaders()
            .add("Connection", "x-a ,,X-B, \t")
            .add("Connection", "x-c")
            .add("Connection", ",")
            .add("X-A", "1")
            .add("x-b", "2")
            .add("X-C", "3")
            .add("X-Kept", "4")
            .add("Keep-Alive", "timeout=5")
            .add("TE", "trailers")
            .add("Proxy-Authorization", "Basic x");

    HeaderRewriter.stripHopByHop(h);

    assertThat(h.names()).containsExactly("X-Kept");
  }
}
