package io.aralez.dataplane.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A head the proxy decoded and forwards: the peer's own lines where nobody changed them, the
 * proxy's values for the rest, through the real codecs on EmbeddedChannels.
 */
class HeadForwardingTest {
  private final EmbeddedChannel server = new EmbeddedChannel(new ServerCodec(config()));
  private final EmbeddedChannel client = new EmbeddedChannel(new ClientCodec(config()));

  static HttpDecoderConfig config() {
    return new HttpDecoderConfig().setAllowDuplicateContentLengths(false).setValidateHeaders(true);
  }

  @AfterEach
  void close() {
    server.finishAndReleaseAll();
    client.finishAndReleaseAll();
  }

  private List<HttpObject> in(EmbeddedChannel ch, String... reads) {
    for (String r : reads) {
      ch.writeInbound(Unpooled.copiedBuffer(r, StandardCharsets.ISO_8859_1));
    }
    List<HttpObject> out = new ArrayList<>();
    Object o;
    while ((o = ch.readInbound()) != null) {
      out.add((HttpObject) o);
    }
    return out;
  }

  @Test
  void theStartLineBufferIsUsedAgainForEveryHead() {
    ServerCodec codec = new ServerCodec(config());
    EmbeddedChannel ch = new EmbeddedChannel(codec);
    for (int i = 0; i < 1000; i++) {
      List<HttpObject> got =
          in(ch, "GET /r" + i + " HTTP/1.1\r\nHost: a\r\nX-N: " + i + "\r\n\r\n");
      assertThat(((HttpRequest) got.get(0)).uri()).isEqualTo("/r" + i);
      assertThat(((HttpRequest) got.get(0)).headers().get("X-N")).isEqualTo(String.valueOf(i));
      got.forEach(ReferenceCountUtil::release);
    }
    assertThat(codec.startLineCapacity()).isBetween(1, 256);
    ch.finishAndReleaseAll();
  }

  /** Writes the messages out through {@code ch} and returns the bytes it produced. */
  static String out(EmbeddedChannel ch, Object... messages) {
    for (Object m : messages) {
      ch.writeOutbound(m);
    }
    StringBuilder b = new StringBuilder();
    Object o;
    while ((o = ch.readOutbound()) != null) {
      b.append(((ByteBuf) o).toString(StandardCharsets.ISO_8859_1));
      ReferenceCountUtil.release(o);
    }
    return b.toString();
  }

  /** Releases what the channels still hold and closes them. */
  static void closeAll(EmbeddedChannel... channels) {
    for (EmbeddedChannel ch : channels) {
      Object o;
      while ((o = ch.readInbound()) != null) {
        ReferenceCountUtil.release(o);
      }
      ch.finishAndReleaseAll();
    }
  }

  private HttpRequest request(String... reads) {
    List<HttpObject> got = in(server, reads);
    got.stream().skip(1).forEach(ReferenceCountUtil::release);
    return (HttpRequest) got.get(0);
  }

  @Test
  void untouchedLinesGoOutAsTheClientWroteThem() {
    HttpRequest req =
        request(
            "GET /a HTTP/1.1\r\nHost: a.example\r\nx-CustOm:  spaced \t\r\n"
                + "Cookie: a=1;b=2\r\nX-Name: J\u00fcrgen\r\nX-Drop: 1\r\nAccept: */*\r\n\r\n");
    req.headers().set("X-Forwarded-For", "198.51.100.7");
    req.headers().remove("x-drop");
    req.headers().set("accept", "text/html");
    req.headers().remove("x-not-there");

    String head = out(client, req, LastHttpContent.EMPTY_LAST_CONTENT);

    // Changed names follow the unchanged lines in the order they were set (as a set moves a
    // name to the end in Netty's headers); the framing name Host is written in canonical form.
    assertThat(head)
        .isEqualTo(
            "GET /a HTTP/1.1\r\nhost: a.example\r\nx-CustOm:  spaced \t\r\n"
                + "Cookie: a=1;b=2\r\nX-Name: J\u00fcrgen\r\n"
                + "X-Forwarded-For: 198.51.100.7\r\naccept: text/html\r\n\r\n");
  }

  @Test
  void anAddedValueFollowsTheNamesEarlierValuesWhichStayWhereTheyWere() {
    HttpRequest req = request("GET / HTTP/1.1\r\nHost: h\r\nV: 1\r\nW: x\r\nV: 2\r\nZ: z\r\n\r\n");
    req.headers().add("v", "3");

    assertThat(req.headers().getAll("V")).containsExactly("1", "2", "3");
    assertThat(out(client, req, LastHttpContent.EMPTY_LAST_CONTENT))
        .isEqualTo("GET / HTTP/1.1\r\nhost: h\r\nV: 1\r\nW: x\r\nV: 2\r\nZ: z\r\nv: 3\r\n\r\n");
  }

  @Test
  void framingHeadersAreAlwaysWrittenFromTheDecodedValues() {
    HttpRequest req =
        request(
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 010\r\nConnection: keep-alive\r\n"
                + "X: y\r\n\r\n0123456789");
    // What HeaderRewriter does: the length as a number, Connection dropped.
    req.headers().set(HttpHeaderNames.CONTENT_LENGTH, 10);
    req.headers().remove(HttpHeaderNames.CONNECTION);

    assertThat(out(client, req, LastHttpContent.EMPTY_LAST_CONTENT))
        .isEqualTo("POST / HTTP/1.1\r\nhost: h\r\nX: y\r\ncontent-length: 10\r\n\r\n");
  }

  @Test
  void aWholesaleChangeReplacesEveryLine() {
    HttpRequest req = request("GET / HTTP/1.1\r\nHost: h\r\nX-Odd:   v  \r\n\r\n");
    req.headers().set(new DefaultHttpHeaders().add("Host", "h2").add("Y", "1"));

    assertThat(out(client, req, LastHttpContent.EMPTY_LAST_CONTENT))
        .isEqualTo("GET / HTTP/1.1\r\nHost: h2\r\nY: 1\r\n\r\n");
  }

  @Test
  void aHeadSplitAcrossReadsIsEncodedFromItsObjects() {
    HttpRequest req = request("GET / HTTP/1.1\r\nHost: h\r\nX-Odd:   v", "  \r\n\r\n");

    // Not kept: Netty's decoder trimmed the value and its encoder writes it again.
    assertThat(out(client, req, LastHttpContent.EMPTY_LAST_CONTENT))
        .isEqualTo("GET / HTTP/1.1\r\nHost: h\r\nX-Odd: v\r\n\r\n");
  }

  @Test
  void pipelinedRequestsKeepTheirOwnLines() {
    List<HttpObject> got =
        in(
            server,
            "GET /1 HTTP/1.1\r\nHost: h\r\nA:  1\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\nB:  2\r\n\r\n");
    HttpRequest first = (HttpRequest) got.get(0);
    HttpRequest second = (HttpRequest) got.get(2);

    assertThat(
            out(
                client,
                second,
                LastHttpContent.EMPTY_LAST_CONTENT,
                first,
                LastHttpContent.EMPTY_LAST_CONTENT))
        .isEqualTo(
            "GET /2 HTTP/1.1\r\nhost: h\r\nB:  2\r\n\r\nGET /1 HTTP/1.1\r\nhost: h\r\nA:  1\r\n\r\n");
  }

  @Test
  void valuesSetAfterDecodingAreValidated() {
    HttpRequest req = request("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> req.headers().set("X-Injected", "a\r\nEvil: 1"))
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> req.headers().set("Bad Name", "v"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aResponseKeepsTheBackendsLinesAndGetsTheProxysFraming() {
    List<HttpObject> got =
        in(
            client,
            "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: 2\r\nConnection: keep-alive\r\n"
                + "Set-Cookie: s=1; Path=/\r\nX-Trail:  t \r\n\r\nok");
    HttpResponse res = (HttpResponse) got.get(0);
    res.headers().remove(HttpHeaderNames.CONNECTION);
    res.headers().add("X-Added", "1");

    String head = out(server, res);
    got.stream().skip(1).forEach(ReferenceCountUtil::release);

    assertThat(head)
        .isEqualTo(
            "HTTP/1.1 200 OK\r\nServer: nginx\r\ncontent-length: 2\r\n"
                + "Set-Cookie: s=1; Path=/\r\nX-Trail:  t \r\nX-Added: 1\r\n\r\n");
  }

  @Test
  void aResponseAfterAnInterimOneKeepsItsOwnLines() {
    List<HttpObject> got =
        in(
            client,
            "HTTP/1.1 100 Continue\r\nX-A:  1\r\n\r\nHTTP/1.1 204 No Content\r\nX-B:  2\r\n\r\n");
    HttpResponse interim = (HttpResponse) got.get(0);
    HttpResponse last = (HttpResponse) got.get(2);

    assertThat(out(server, interim, LastHttpContent.EMPTY_LAST_CONTENT))
        .isEqualTo("HTTP/1.1 100 Continue\r\nX-A:  1\r\n\r\n");
    assertThat(out(server, last, LastHttpContent.EMPTY_LAST_CONTENT))
        .isEqualTo("HTTP/1.1 204 No Content\r\nX-B:  2\r\n\r\n");
  }
}
