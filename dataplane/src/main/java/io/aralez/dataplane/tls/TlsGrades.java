package io.aralez.dataplane.tls;

import io.aralez.dataplane.config.MainConfig.TlsGrade;
import java.util.ArrayList;
import java.util.List;

/**
 * Protocols and cipher suites per {@code proxy_tls_grade}. Suites are IANA names; those the TLS
 * library lacks are skipped. TLS 1.3 suites are listed explicitly (the original left them to the
 * library).
 */
public final class TlsGrades {
  static final List<String> TLS13 =
      List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");
  static final List<String> ECDHE_AEAD =
      List.of(
          "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
  static final List<String> COMPATIBLE =
      List.of(
          "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
          "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
          "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
          "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
          "TLS_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_RSA_WITH_AES_256_GCM_SHA384");
  static final List<String> LEGACY =
      List.of(
          "TLS_RSA_WITH_AES_128_CBC_SHA",
          "TLS_RSA_WITH_AES_256_CBC_SHA",
          "TLS_RSA_WITH_3DES_EDE_CBC_SHA");

  private TlsGrades() {}

  public static List<String> protocols(TlsGrade grade) {
    return switch (grade) {
      case HIGH, MEDIUM -> List.of("TLSv1.3", "TLSv1.2");
      case UNSAFE -> List.of("TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1");
    };
  }

  public static List<String> ciphers(TlsGrade grade) {
    List<String> out = new ArrayList<>(TLS13);
    out.addAll(ECDHE_AEAD);
    if (grade != TlsGrade.HIGH) {
      out.addAll(COMPATIBLE);
    }
    if (grade == TlsGrade.UNSAFE) {
      out.addAll(LEGACY);
    }
    return out;
  }
}
