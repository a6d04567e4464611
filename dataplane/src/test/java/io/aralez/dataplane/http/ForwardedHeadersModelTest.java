package io.aralez.dataplane.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link ForwardedHeaders} against Netty's {@link DefaultHttpHeaders} as the model: the same head,
 * then the same random sequence of adds, sets, removes and removals by a name predicate (names in
 * any case); after every step both answer every lookup alike, and the head the proxy writes reads
 * back as the model's fields.
 */
class ForwardedHeadersModelTest {
  private static final String[] NAMES = {
    "Host", "accept", "Accept", "X-A", "x-a", "Cookie", "content-length", "X-New", "Connection"
  };
  private static final String[] VALUES = {
    "1", "two", "a b", "3", "close", "keep-alive, Close", "x ,close ,", ",", "a,,b", ""
  };
  private static final String[] TOKENS = {"close", "CLOSE", "x", "a b", "", "b", "two"};

  record Op(int kind, String name, String value) {}

  @Provide
  Arbitrary<List<Op>> ops() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 8), Arbitraries.of(NAMES), Arbitraries.of(VALUES))
        .as(Op::new)
        .list()
        .ofMaxSize(12);
  }

  @Provide
  Arbitrary<List<String>> heads() {
    return Combinators.combine(Arbitraries.of(NAMES), Arbitraries.of(VALUES))
        .as((n, v) -> n + ": " + v + "\r\n")
        .list()
        .ofMaxSize(8);
  }

  @Property(tries = 1500)
  void behavesAsNettysHeadersThroughAnySequenceOfChanges(
      @ForAll("heads") List<String> lines, @ForAll("ops") List<Op> ops) {
    String head = "GET / HTTP/1.1\r\nHost: h\r\n" + String.join("", lines) + "\r\n";
    EmbeddedChannel server = new EmbeddedChannel(new ServerCodec(HeadForwardingTest.config()));
    EmbeddedChannel client = new EmbeddedChannel(new ClientCodec(HeadForwardingTest.config()));
    try {
      server.writeInbound(Unpooled.copiedBuffer(head, StandardCharsets.ISO_8859_1));
      HttpRequest req = server.readInbound();
      if (!req.decoderResult().isSuccess()) {
        return; // e.g. two differing Content-Length lines: refused before anyone changes it
      }
      HttpHeaders ours = req.headers();
      assertThat(ours).isInstanceOf(ForwardedHeaders.class);
      HttpHeaders model = new DefaultHttpHeaders().add(ours);
      for (Op op : ops) {
        switch (op.kind()) {
          case 0 -> {
            ours.add(op.name(), op.value());
            model.add(op.name(), op.value());
          }
          case 1 -> {
            ours.set(op.name(), op.value());
            model.set(op.name(), op.value());
          }
          case 2 -> {
            ours.remove(op.name());
            model.remove(op.name());
          }
          case 5 -> {
            // Refused before anything changes: the name's lines are still there afterwards.
            String bad = op.value() + "\r\nInjected: 1";
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> ours.set(op.name(), bad))
                .isInstanceOf(IllegalArgumentException.class);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> model.set(op.name(), bad))
                .isInstanceOf(IllegalArgumentException.class);
          }
          case 6 -> {
            HttpHeaders some = new DefaultHttpHeaders().add(op.name(), op.value()).add("X-A", "9");
            ours.setAll(some);
            model.setAll(some);
          }
          case 7 -> {
            HttpHeaders some = new DefaultHttpHeaders().add(op.name(), op.value());
            ours.add(some);
            model.add(some);
          }
          case 8 -> {
            if (op.value().equals("a b")) {
              // Rarely: everything replaced.
              HttpHeaders some = new DefaultHttpHeaders().add(op.name(), op.value());
              ours.set(some);
              model.set(some);
            }
          }
          default -> {
            // What HeaderRewriter does for underscore and spoofable names: a predicate on names.
            java.util.function.Predicate<CharSequence> match =
                n ->
                    io.netty.util.AsciiString.contentEqualsIgnoreCase(n, op.name())
                        || (op.kind() == 4 && io.netty.util.AsciiString.indexOf(n, '-', 0) >= 0);
            ((ForwardedHeaders) ours).removeNamesIf(match);
            for (String n : new ArrayList<>(model.names())) {
              if (match.test(n)) {
                model.remove(n);
              }
            }
          }
        }
        same(ours, model, head + ops);
      }
      String sent = HeadForwardingTest.out(client, req, LastHttpContent.EMPTY_LAST_CONTENT);
      same(HeadLinesDifferentialTest.reference(sent).headers(), model, "forwarded:\n" + sent);
    } finally {
      HeadForwardingTest.closeAll(server, client);
    }
  }

  private static void same(HttpHeaders ours, HttpHeaders model, String context) {
    for (String name : NAMES) {
      assertThat(ours.getAll(name)).as(context + " getAll " + name).isEqualTo(model.getAll(name));
      if (ours instanceof ForwardedHeaders in) {
        // The in-place views give the same values, in the same order, without Strings.
        List<String> views = new java.util.ArrayList<>();
        CharSequence view;
        for (int i = 0; (view = in.valueView(name, i)) != null; i++) {
          views.add(view.toString());
        }
        assertThat(views).as(context + " valueView " + name).isEqualTo(model.getAll(name));
      }
      assertThat(ours.get(name)).as(context + " get " + name).isEqualTo(model.get(name));
      assertThat(ours.contains(name)).as(context).isEqualTo(model.contains(name));
      for (String token : TOKENS) {
        for (boolean ignoreCase : new boolean[] {true, false}) {
          assertThat(ours.containsValue(name, token, ignoreCase))
              .as(context + " containsValue " + name + " " + token + " " + ignoreCase)
              .isEqualTo(model.containsValue(name, token, ignoreCase));
        }
      }
    }
    assertThat(ours.size()).as(context).isEqualTo(model.size());
    assertThat(entries(ours)).as(context).containsExactlyInAnyOrderElementsOf(entries(model));
  }

  private static List<String> entries(HttpHeaders h) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> e : h) {
      out.add(e.getKey().toLowerCase() + ": " + e.getValue());
    }
    return out;
  }
}
