package io.aralez.dataplane.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.dataplane.config.ProxyConfig.Header;
import io.aralez.dataplane.http.ServerCodec;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
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

  private static final String[] NAMES = {
    "Host",
    "Connection",
    "connection",
    "Keep-Alive",
    "Proxy-Connection",
    "TE",
    "Trailer",
    "Upgrade",
    "Proxy-Authorization",
    "Proxy-Authenticate",
    "X-A",
    "x-b",
    "X_C",
    "close",
    "X-Forwarded-For",
    "x-forwarded-proto",
    "X-Forwarded-Host",
    "X-Real-IP",
    "x_forwarded_for",
    "Forwarded",
    "X-Client-IP",
    "True-Client-IP",
    "X-Original-URL",
    "X-Forwarded-Port",
    "Accept",
    "Cookie"
  };
  private static final String[] VALUES = {
    "1",
    "a b",
    "keep-alive",
    "Keep-Alive, X-A",
    "x-b ,X_C",
    "upgrade",
    "Upgrade",
    "websocket",
    "trailers",
    "gzip, trailers",
    "close",
    "10.0.0.1",
    " "
  };
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-connection",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "proxy-authorization",
          "proxy-authenticate");
  private static final Set<String> SET_BY_PROXY =
      Set.of(
          "host",
          "x-forwarded-for",
          "x-forwarded-proto",
          "x-forwarded-host",
          "x-real-ip",
          "content-length");
  private static final Set<String> SPOOFABLE =
      Set.of(
          "forwarded",
          "x-forwarded-port",
          "x-forwarded-server",
          "x-forwarded-prefix",
          "x-original-url",
          "x-original-uri",
          "x-rewrite-url",
          "x-client-ip",
          "true-client-ip");

  @Provide
  Arbitrary<List<String>> lines() {
    return Combinators.combine(Arbitraries.of(NAMES), Arbitraries.of(VALUES))
        .as((n, v) -> n + ": " + v)
        .list()
        .ofMaxSize(10);
  }

  /**
   * The upstream head, rewritten in place over the client's own lines (the proxy's usual path), in
   * place over Netty's headers, and as a copy: all three are the rule written out plainly below.
   */
  @Property(tries = 1000)
  void theUpstreamHeadFollowsTheRuleWhateverHoldsTheHeaders(
      @ForAll("lines") List<String> lines,
      @ForAll boolean trusted,
      @ForAll boolean contentLength,
      @ForAll boolean serverHeader) {
    String head =
        "GET /p HTTP/1.1\r\n"
            + String.join("", lines.stream().map(l -> l + "\r\n").toList())
            + (contentLength ? "Content-Length: 0\r\n" : "")
            + "\r\n";
    EmbeddedChannel server =
        new EmbeddedChannel(
            new ServerCodec(
                new HttpDecoderConfig()
                    .setAllowDuplicateContentLengths(false)
                    .setValidateHeaders(true)));
    try {
      server.writeInbound(Unpooled.copiedBuffer(head, StandardCharsets.ISO_8859_1));
      HttpRequest inPlace = server.readInbound();
      assertThat(inPlace.decoderResult().isSuccess()).as(head).isTrue();
      List<Map.Entry<String, String>> original = inPlace.headers().entries();
      List<Header> configured =
          serverHeader ? List.of(new Header("X-A", "from-config")) : List.of();
      List<String> expected = rule(original, trusted, configured);

      HttpRequest copy = new DefaultHttpRequest(inPlace.protocolVersion(), inPlace.method(), "/p");
      copy.headers().add(inPlace.headers());
      assertThat(copy.headers()).isNotInstanceOf(inPlace.headers().getClass());
      HttpRequest copyAgain = new DefaultHttpRequest(copy.protocolVersion(), copy.method(), "/p");
      copyAgain.headers().add(copy.headers());

      for (HttpRequest[] run :
          new HttpRequest[][] {{inPlace, null}, {copy, null}, {copyAgain, copyAgain}}) {
        HttpRequest out =
            HeaderRewriter.upstreamRequest(
                run[0],
                ClientTraits.of(run[0], false),
                run[1] == null,
                "/p",
                "shop.example",
                "192.0.2.1",
                "198.51.100.9",
                trusted,
                false,
                configured);
        assertThat(fields(out.headers()))
            .as("%s\nthrough %s", head, run[0].headers().getClass().getSimpleName())
            .isEqualTo(expected);
      }
    } finally {
      server.finishAndReleaseAll();
    }
  }

  /** What the proxy owes the backend, written without any of the rewriter's machinery. */
  private static List<String> rule(
      List<Map.Entry<String, String>> fields, boolean trusted, List<Header> configured) {
    Set<String> listed = new HashSet<>();
    String xff = null;
    boolean trailers = false;
    boolean upgradeWebSocket = false;
    boolean connectionUpgrade = false;
    String length = null;
    for (Map.Entry<String, String> f : fields) {
      String name = f.getKey().toLowerCase(Locale.ROOT);
      List<String> tokens = new ArrayList<>();
      for (String t : f.getValue().split(",")) {
        if (!t.trim().isEmpty()) {
          tokens.add(t.trim().toLowerCase(Locale.ROOT));
        }
      }
      switch (name) {
        case "connection" -> {
          listed.addAll(tokens);
          connectionUpgrade |= tokens.contains("upgrade");
        }
        case "te" -> trailers |= tokens.contains("trailers");
        case "upgrade" -> upgradeWebSocket |= tokens.contains("websocket");
        case "x-forwarded-for" -> xff = xff == null ? f.getValue() : xff;
        case "content-length" -> length = f.getValue();
        default -> {}
      }
    }
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> f : fields) {
      String name = f.getKey().toLowerCase(Locale.ROOT);
      if (!HOP_BY_HOP.contains(name)
          && !listed.contains(name)
          && !SET_BY_PROXY.contains(name)
          && !(SPOOFABLE.contains(name) && !trusted)
          && name.indexOf('_') < 0) {
        out.add(name + ": " + f.getValue());
      }
    }
    if (trailers) {
      out.add("te: trailers");
    }
    if (upgradeWebSocket && connectionUpgrade) {
      out.add("connection: upgrade");
      out.add("upgrade: websocket");
    }
    out.add("host: shop.example");
    out.add(
        "x-forwarded-for: "
            + (trusted && xff != null && !xff.isBlank() ? xff + ", 192.0.2.1" : "192.0.2.1"));
    out.add("x-forwarded-proto: http");
    out.add("x-forwarded-host: shop.example");
    out.add("x-real-ip: 198.51.100.9");
    for (Header h : configured) {
      String name = h.name().toLowerCase(Locale.ROOT);
      out.removeIf(f -> f.startsWith(name + ": "));
      out.add(name + ": " + h.value());
    }
    if (length != null) {
      out.add("content-length: " + length);
    }
    return out;
  }

  private static List<String> fields(HttpHeaders h) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> e : h) {
      out.add(e.getKey().toLowerCase(Locale.ROOT) + ": " + e.getValue());
    }
    return out;
  }
}
