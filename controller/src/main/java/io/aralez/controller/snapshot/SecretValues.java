package io.aralez.controller.snapshot;

import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** One key of a Secret, from {@code data} (base64) or {@code stringData}. */
final class SecretValues {
  private SecretValues() {}

  static String value(Secret s, String key) {
    if (s.getData() != null && s.getData().get(key) != null) {
      try {
        return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    return s.getStringData() == null ? null : s.getStringData().get(key);
  }

  /** Every key of the Secret with its value (sorted by key); undecodable values are left out. */
  static java.util.SortedMap<String, String> all(Secret s) {
    java.util.SortedMap<String, String> out = new java.util.TreeMap<>();
    if (s.getStringData() != null) {
      out.putAll(s.getStringData());
    }
    if (s.getData() != null) {
      for (String k : s.getData().keySet()) {
        String v = value(s, k);
        if (v != null) {
          out.put(k, v);
        }
      }
    }
    return out;
  }
}
