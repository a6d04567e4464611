package io.aralez.dataplane.tls;

import io.netty.handler.ssl.SslContext;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One loaded set of server certificates, immutable. SNI selection: an exact name first, then a
 * {@code *.suffix} wildcard covering exactly one label, case-insensitive; otherwise the default.
 */
public record Certificates(
    Map<String, SslContext> exact,
    Map<String, SslContext> wildcard,
    SslContext fallback,
    List<Loaded> loaded) {

  /** A loaded pair, for logs and status. */
  public record Loaded(
      String name, List<String> names, String serial, java.time.Instant notAfter) {}

  public static final Certificates EMPTY = new Certificates(Map.of(), Map.of(), null, List.of());

  public SslContext select(String sni) {
    if (sni == null || sni.isEmpty()) {
      return fallback;
    }
    String host = sni.toLowerCase(Locale.ROOT);
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    SslContext ctx = exact.get(host);
    if (ctx != null) {
      return ctx;
    }
    int dot = host.indexOf('.');
    if (dot > 0) {
      ctx = wildcard.get(host.substring(dot + 1));
      if (ctx != null) {
        return ctx;
      }
    }
    return fallback;
  }
}
