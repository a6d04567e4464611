package io.aralez.controller.snapshot.nginx;

import io.aralez.common.values.TlsNames;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The TLS annotations of ingress-nginx, read from an Ingress's valid values: proxy-ssl-* (how
 * backends are spoken to) and auth-tls-* (the client certificates requests must present). Pure.
 */
final class TlsParts {
  private TlsParts() {}

  /** "ns/name" or "name" of this namespace (checked by ValueChecks): the name; null stays. */
  static String localName(String ref) {
    return ref == null ? null : ref.trim().substring(ref.trim().indexOf('/') + 1);
  }

  /** auth-tls-*, or null without auth-tls-secret (the others are then reported ignored). */
  static NginxResult.ClientCerts clientCerts(
      Map<String, String> v, BiConsumer<String, String> ignoredWithout) {
    String secret = v.get("auth-tls-secret");
    if (secret == null) {
      for (String k : List.copyOf(v.keySet())) {
        if (k.startsWith("auth-tls-")) {
          ignoredWithout.accept(k, "has no effect without auth-tls-secret");
        }
      }
      return null;
    }
    return new NginxResult.ClientCerts(
        localName(secret),
        v.getOrDefault("auth-tls-verify-client", "on").trim(),
        depth(v, "auth-tls-verify-depth"),
        NginxValues.flag(v, "auth-tls-pass-certificate-to-upstream"),
        v.containsKey("auth-tls-error-page") ? v.get("auth-tls-error-page").trim() : null,
        v.get("auth-tls-match-cn"));
  }

  /** proxy-ssl-*, or null when none is set (the tuning keys are then reported ignored). */
  static NginxResult.UpstreamTls upstreamTls(
      Map<String, String> v,
      BiConsumer<String, String> ignoredWithout,
      BiConsumer<String, String> partially) {
    if (!v.containsKey("proxy-ssl-secret")
        && !v.containsKey("proxy-ssl-verify")
        && !v.containsKey("proxy-ssl-name")
        && !v.containsKey("proxy-ssl-server-name")) {
      for (String k :
          List.of("proxy-ssl-verify-depth", "proxy-ssl-ciphers", "proxy-ssl-protocols")) {
        if (v.containsKey(k)) {
          ignoredWithout.accept(k, "has no effect without proxy-ssl-secret or proxy-ssl-verify");
        }
      }
      return null;
    }
    return new NginxResult.UpstreamTls(
        localName(v.get("proxy-ssl-secret")),
        NginxValues.flag(v, "proxy-ssl-verify"),
        v.containsKey("proxy-ssl-name") ? v.get("proxy-ssl-name").trim() : null,
        NginxValues.flag(v, "proxy-ssl-server-name"),
        depth(v, "proxy-ssl-verify-depth"),
        v.containsKey("proxy-ssl-ciphers")
            ? ciphers(v.get("proxy-ssl-ciphers"), partially)
            : List.of(),
        v.containsKey("proxy-ssl-protocols")
            ? protocols(v.get("proxy-ssl-protocols"), partially)
            : List.of());
  }

  /** An OpenSSL cipher list as the TLS 1.2 suites it names; what cannot be offered is reported. */
  static List<String> ciphers(String value, BiConsumer<String, String> partially) {
    List<String> out = new java.util.ArrayList<>();
    List<String> left = new java.util.ArrayList<>();
    for (String part : value.trim().split("[:,\\s]+")) {
      String iana = part.isEmpty() ? null : TlsNames.tls12Cipher(part);
      if (iana != null) {
        if (!out.contains(iana)) {
          out.add(iana);
        }
      } else if (!part.isEmpty() && !part.equals("DEFAULT") && !TlsNames.tls13Cipher(part)) {
        left.add(part);
      }
    }
    if (!left.isEmpty()) {
      partially.accept(
          "proxy-ssl-ciphers",
          String.join(":", left)
              + " not offered (cipher-list expressions are not evaluated; only named suites with"
              + " forward secrecy or AES-GCM/ChaCha20 are)"
              + (out.isEmpty() ? "; Aralez's defaults apply" : ""));
    }
    return out;
  }

  /** The protocols Aralez speaks of an nginx protocol list; older ones are reported. */
  static List<String> protocols(String value, BiConsumer<String, String> partially) {
    List<String> out = new java.util.ArrayList<>();
    List<String> left = new java.util.ArrayList<>();
    for (String part : value.trim().split("\\s+")) {
      String p = TlsNames.protocol(part);
      if (p != null) {
        out.add(p);
      } else {
        left.add(part);
      }
    }
    if (!left.isEmpty()) {
      partially.accept(
          "proxy-ssl-protocols", String.join(" ", left) + " never offered (TLS 1.2 and 1.3 only)");
    }
    return out;
  }

  private static int depth(Map<String, String> v, String name) {
    return v.containsKey(name) ? (int) NginxValues.positiveInt(v.get(name)) : 1;
  }
}
