package io.aralez.common.values;

import java.util.Locale;
import java.util.Map;

/**
 * OpenSSL's names of TLS cipher suites and protocols, as nginx configurations write them, mapped to
 * the IANA / JSSE names the data plane configures. Only suites with forward secrecy or AEAD that
 * the data plane's TLS stacks (BoringSSL, the JDK) still speak are known; the rest are not offered.
 */
public final class TlsNames {
  private TlsNames() {}

  private static final Map<String, String> CIPHERS =
      Map.ofEntries(
          Map.entry("ECDHE-ECDSA-AES128-GCM-SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"),
          Map.entry("ECDHE-RSA-AES128-GCM-SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
          Map.entry("ECDHE-ECDSA-AES256-GCM-SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"),
          Map.entry("ECDHE-RSA-AES256-GCM-SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
          Map.entry(
              "ECDHE-ECDSA-CHACHA20-POLY1305", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"),
          Map.entry("ECDHE-RSA-CHACHA20-POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
          Map.entry("ECDHE-ECDSA-AES128-SHA", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"),
          Map.entry("ECDHE-RSA-AES128-SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"),
          Map.entry("ECDHE-ECDSA-AES256-SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"),
          Map.entry("ECDHE-RSA-AES256-SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"),
          Map.entry("AES128-GCM-SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256"),
          Map.entry("AES256-GCM-SHA384", "TLS_RSA_WITH_AES_256_GCM_SHA384"),
          Map.entry("AES128-SHA", "TLS_RSA_WITH_AES_128_CBC_SHA"),
          Map.entry("AES256-SHA", "TLS_RSA_WITH_AES_256_CBC_SHA"));

  /**
   * The IANA name of a TLS 1.2 suite written the OpenSSL way or the IANA way, or null when it is
   * not one the data plane offers (TLS 1.3 suites are not chosen by configuration).
   */
  public static String tls12Cipher(String name) {
    String n = name.trim();
    String iana = CIPHERS.get(n.toUpperCase(Locale.ROOT));
    if (iana != null) {
      return iana;
    }
    return CIPHERS.containsValue(n) ? n : null;
  }

  /** Whether {@code name} is a TLS 1.3 suite (always offered, not configurable). */
  public static boolean tls13Cipher(String name) {
    return switch (name.trim()) {
      case "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256" ->
          true;
      default -> false;
    };
  }

  /** JSSE's name of a protocol the data plane speaks (TLSv1.2, TLSv1.3), or null. */
  public static String protocol(String name) {
    return switch (name.trim()) {
      case "TLSv1.2" -> "TLSv1.2";
      case "TLSv1.3" -> "TLSv1.3";
      default -> null;
    };
  }
}
