package io.aralez.dataplane.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link H2ResponseHeaders} against Netty's {@code HttpConversionUtil} on the same responses: heads
 * decoded in place by the real {@link ClientCodec} (changed by the proxy or not) and heads built
 * from Netty's own headers. Same fields, same order, same status.
 */
class H2ResponseHeadersTest {
  private static final String[] NAMES = {
    "Content-Type",
    "content-length",
    "DATE",
    "Server",
    "Set-Cookie",
    "X-Custom",
    "x-custom",
    "Vary",
    "Keep-Alive",
    "Proxy-Connection",
    "Upgrade",
    "Host",
    "Transfer-Encoding",
    "X-Http2-Stream-Id",
    "x-http2-scheme",
    "X-Http2-Path",
    "X-Http2-Stream-Weight",
    "ETag",
    "Strict-Transport-Security",
    "Grpc-Status",
    "A",
    "x-ÿ-never",
    "Alt-Svc",
  };
  private static final String[] VALUES = {"text/plain", "", "a, b", "1", "x=y; Path=/", "é", "v v"};

  /** A response the real decoder read from {@code head}, with its in-place headers. */
  private static HttpResponse decoded(String head) {
    EmbeddedChannel ch = new EmbeddedChannel(new ClientCodec(HeadForwardingTest.config()));
    ch.writeOutbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"));
    ReferenceCountUtil.release(ch.readOutbound());
    ch.writeInbound(Unpooled.copiedBuffer(head, StandardCharsets.ISO_8859_1));
    HttpResponse res = ch.readInbound();
    ch.finishAndReleaseAll();
    assertThat(res.decoderResult().isSuccess()).as(head).isTrue();
    return res;
  }

  private static List<String> fields(Http2Headers h) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<CharSequence, CharSequence> e : h) {
      out.add(e.getKey() + ": " + e.getValue());
    }
    return out;
  }

  private static void same(HttpResponse res, String context) {
    List<String> netty = fields(HttpConversionUtil.toHttp2Headers(res, true));
    assertThat(fields(H2ResponseHeaders.of(res))).as(context).isEqualTo(netty);
  }

  @Test
  void randomHeadsReadInPlaceMatchNettysConversion() {
    Random random = new Random(20261206);
    for (int round = 0; round < 2000; round++) {
      StringBuilder head = new StringBuilder("HTTP/1.1 ").append(200 + random.nextInt(400));
      head.append(" X\r\n");
      int n = random.nextInt(12);
      for (int i = 0; i < n; i++) {
        String name = NAMES[random.nextInt(NAMES.length)];
        if (name.startsWith("x-ÿ") || name.equalsIgnoreCase("content-length")) {
          continue;
        }
        if (name.equalsIgnoreCase("transfer-encoding")) {
          continue;
        }
        head.append(name).append(": ").append(VALUES[random.nextInt(VALUES.length)]).append("\r\n");
      }
      head.append("Content-Length: 0\r\n\r\n");
      HttpResponse res = decoded(head.toString());
      same(res, head.toString());
      // The proxy's own changes (an overlay over the kept lines) convert the same way.
      res.headers().set("Server", "aralez").add("Via", "1.1 aralez").remove("Vary");
      same(res, "changed: " + head);
    }
  }

  @Test
  void nettyHeadersMatchNettysConversionToo() {
    Random random = new Random(7);
    for (int round = 0; round < 500; round++) {
      HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      int n = random.nextInt(10);
      for (int i = 0; i < n; i++) {
        String name = NAMES[random.nextInt(NAMES.length)];
        if (!name.startsWith("x-ÿ")) {
          res.headers().add(name, VALUES[random.nextInt(VALUES.length)]);
        }
      }
      same(res, res.headers().toString());
    }
  }

  @Test
  void connectionTeAndCookieHeadsGoThroughNettysConverter() {
    same(
        decoded(
            "HTTP/1.1 200 OK\r\nConnection: x-hop, keep-alive\r\nX-Hop: 1\r\nX-Kept: 2\r\n"
                + "Content-Length: 0\r\n\r\n"),
        "connection-listed names");
    same(decoded("HTTP/1.1 200 OK\r\nTE: trailers, gzip\r\nContent-Length: 0\r\n\r\n"), "te");
    same(decoded("HTTP/1.1 200 OK\r\nCookie: a=1; b=2\r\nContent-Length: 0\r\n\r\n"), "cookie");
    Http2Headers h =
        H2ResponseHeaders.of(
            decoded(
                "HTTP/1.1 200 OK\r\nConnection: x-hop\r\nX-Hop: 1\r\nContent-Length: 0\r\n\r\n"));
    assertThat(h.contains("x-hop")).isFalse();
    assertThat(h.contains("connection")).isFalse();
  }

  @Test
  void usualNamesAreSharedConstantsAndValuesDoNotHoldTheHead() {
    HttpResponse res =
        decoded(
            "HTTP/1.1 404 Not Found\r\nCONTENT-TYPE: text/html\r\nX-Odd-Name: v\r\n"
                + "Content-Length: 0\r\n\r\n");
    Http2Headers h = H2ResponseHeaders.of(res);
    assertThat(h.status()).hasToString("404");
    // The iterator hands out itself as each entry: keep the parts, not the entries.
    List<CharSequence> names = new ArrayList<>();
    List<CharSequence> values = new ArrayList<>();
    h.forEach(
        e -> {
          names.add(e.getKey());
          values.add(e.getValue());
        });
    assertThat((Object) names.get(1)).isSameAs(HttpHeaderNames.CONTENT_TYPE);
    assertThat(names.get(2).toString()).isEqualTo("x-odd-name");
    for (CharSequence v : values.subList(1, values.size())) {
      AsciiString value = (AsciiString) v;
      // An HPACK table entry keeps its value: it must be the value's bytes only.
      assertThat(value.arrayOffset()).isZero();
      assertThat(value.array()).hasSize(value.length());
    }
    assertThat(H2ResponseHeaders.lowercase("X-Odd-Name").toString()).isEqualTo("x-odd-name");
    assertThat((Object) H2ResponseHeaders.lowercase("SET-COOKIE"))
        .isSameAs(HttpHeaderNames.SET_COOKIE);
  }
}
