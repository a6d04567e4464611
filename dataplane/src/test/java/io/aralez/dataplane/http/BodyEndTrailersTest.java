package io.aralez.dataplane.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The end of a body framed by Content-Length shares one empty set of trailers; a chunked body's end
 * still gets the trailers it carried, in both codecs and in any order of messages.
 */
class BodyEndTrailersTest {
  private final EmbeddedChannel upstream =
      new EmbeddedChannel(new ClientCodec(HeadForwardingTest.config()));
  private final EmbeddedChannel client =
      new EmbeddedChannel(new ServerCodec(HeadForwardingTest.config()));

  @AfterEach
  void close() {
    upstream.finishAndReleaseAll();
    client.finishAndReleaseAll();
  }

  /** The end of each message decoded from {@code bytes}, in order. */
  private static List<LastHttpContent> ends(EmbeddedChannel ch, String bytes) {
    ch.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.ISO_8859_1));
    List<LastHttpContent> ends = new ArrayList<>();
    Object o;
    while ((o = ch.readInbound()) != null) {
      assertThat(((HttpObject) o).decoderResult().isSuccess()).as("%s", o).isTrue();
      if (o instanceof LastHttpContent last) {
        ends.add(last);
      }
      ReferenceCountUtil.release(o);
    }
    return ends;
  }

  @Test
  void responsesOfKnownLengthShareOneEmptySetAndChunkedOnesKeepTheirTrailers() {
    List<LastHttpContent> ends =
        ends(
            upstream,
            "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"
                + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3\r\nabc\r\n0\r\nGrpc-Status: 0\r\nX-Sum: 1\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nde"
                + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nA: b\r\n\r\n");
    assertThat(ends).hasSize(4);
    assertThat(ends.get(0).trailingHeaders()).isSameAs(BodyEndTrailers.NONE);
    assertThat(ends.get(2).trailingHeaders()).isSameAs(BodyEndTrailers.NONE);
    assertThat(ends.get(1).trailingHeaders().get("grpc-status")).isEqualTo("0");
    assertThat(ends.get(1).trailingHeaders().get("x-sum")).isEqualTo("1");
    assertThat(ends.get(3).trailingHeaders().get("a")).isEqualTo("b");
  }

  @Test
  void requestsOfKnownLengthShareOneEmptySetAndChunkedOnesKeepTheirTrailers() {
    List<LastHttpContent> ends =
        ends(
            client,
            "POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
                + "POST /b HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3\r\nabc\r\n0\r\nX-Check: 7\r\n\r\n"
                + "POST /c HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\nz");
    assertThat(ends).hasSize(3);
    assertThat(ends.get(0).trailingHeaders()).isSameAs(BodyEndTrailers.NONE);
    assertThat(ends.get(1).trailingHeaders().get("x-check")).isEqualTo("7");
    assertThat(ends.get(2).trailingHeaders()).isSameAs(BodyEndTrailers.NONE);
  }

  @Test
  void theSharedSetIsEmptyReadOnlyAndClearingItIsHarmless() {
    assertThat(BodyEndTrailers.NONE.isEmpty()).isTrue();
    assertThat(BodyEndTrailers.NONE.clear()).isSameAs(BodyEndTrailers.NONE);
    assertThatThrownBy(() -> BodyEndTrailers.NONE.add("a", "b"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(BodyEndTrailers.NONE.isEmpty()).isTrue();
  }
}
