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
    // Requests Netty decodes (the usual ones are read whole, without a start-line buffer).
    ServerCodec codec = new ServerCodec(config(), false);
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
  void framingLinesWrittenLongerThanTheyCameAndHeadsOfAnySizeComeOutWhole() {
    // Each framing line without a space after the colon grows by one byte when written again.
    HttpRequest req =
        request("POST / HTTP/1.1\r\nHost:h\r\nContent-Length:0\r\nConnection:x\r\n\r\n");
    req.headers().add("X-Added", "1");
    assertThat(out(client, req, LastHttpContent.EMPTY_LAST_CONTENT))
        .isEqualTo(
            "POST / HTTP/1.1\r\nhost: h\r\ncontent-length: 0\r\nconnection: x\r\n"
                + "X-Added: 1\r\n\r\n");
    // Past the per-thread array's size, then a small head again through the grown array.
    EmbeddedChannel large = new EmbeddedChannel(new ServerCodec(config().setMaxHeaderSize(65536)));
    for (int size : new int[] {3000, 7000, 9000, 20000, 100}) {
      String cookie = "c".repeat(size);
      List<HttpObject> got =
          in(large, "GET / HTTP/1.1\r\nHost:h\r\nCookie: " + cookie + "\r\n\r\n");
      got.stream().skip(1).forEach(ReferenceCountUtil::release);
      HttpRequest big = (HttpRequest) got.get(0);
      assertThat(big.headers()).isInstanceOf(ForwardedHeaders.class);
      big.headers().set("X-Forwarded-For", "198.51.100.7");
      assertThat(out(client, big, LastHttpContent.EMPTY_LAST_CONTENT))
          .isEqualTo(
              "GET / HTTP/1.1\r\nhost: h\r\nCookie: "
                  + cookie
                  + "\r\nX-Forwarded-For: 198.51.100.7\r\n\r\n");
    }
    closeAll(large);
  }

  @Test
  void startLinesAreWrittenAsNettysEncodersWriteThem() {
    // Targets and reason phrases the one-copy writer takes, and those it leaves to Netty's
    // encoder (empty, absolute-form, not ASCII): the same bytes either way.
    for (String uri : new String[] {"/a?b=c", "*", "", "http://h", "http://h?x", "/\u00e4"}) {
      HttpRequest req = request("OPTIONS / HTTP/1.1\r\nHost: h\r\n\r\n");
      req.setUri(uri);
      HttpRequest plain =
          new io.netty.handler.codec.http.DefaultHttpRequest(
              req.protocolVersion(), req.method(), uri);
      assertThat(firstLine(out(client, req, LastHttpContent.EMPTY_LAST_CONTENT)))
          .as(uri)
          .isEqualTo(
              firstLine(
                  out(
                      new EmbeddedChannel(new io.netty.handler.codec.http.HttpRequestEncoder()),
                      plain)));
    }
    for (io.netty.handler.codec.http.HttpResponseStatus status :
        new io.netty.handler.codec.http.HttpResponseStatus[] {
          io.netty.handler.codec.http.HttpResponseStatus.valueOf(299, "Fine"),
          io.netty.handler.codec.http.HttpResponseStatus.valueOf(299, ""),
          io.netty.handler.codec.http.HttpResponseStatus.valueOf(299, "Gr\u00fc\u00df")
        }) {
      List<HttpObject> got = in(client, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
      // Read whole: one message, head and (empty) body.
      assertThat(got).hasSize(1);
      HttpResponse res = (HttpResponse) got.get(0);
      res.setStatus(status);
      server.writeInbound(
          Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: h\r\n\r\n", StandardCharsets.ISO_8859_1));
      ReferenceCountUtil.release(server.readInbound());
      ReferenceCountUtil.release(server.readInbound());
      assertThat(firstLine(out(server, res)))
          .as(status.toString())
          .isEqualTo(
              firstLine(
                  out(
                      new EmbeddedChannel(new io.netty.handler.codec.http.HttpResponseEncoder()),
                      new io.netty.handler.codec.http.DefaultHttpResponse(
                          res.protocolVersion(), status))));
    }
  }

  private static String firstLine(String head) {
    return head.substring(0, head.indexOf("\r\n") + 2);
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
