package io.aralez.controller.snapshot.nginx;

import io.aralez.api.v1.ExternalAuth;
import io.aralez.api.v1.RouteRules;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The authentication annotations of one Ingress: Basic (auth-type + auth-secret) or forward auth
 * (auth-url and its companions, or the ConfigMap's global-auth-url). Pure.
 */
final class AuthParts {
  private AuthParts() {}

  /**
   * @param type BASIC, BASIC_MAP (the Secret's keys are users, its values their hashes:
   *     auth-secret-type auth-map), FORWARD or null
   * @param secret the Basic auth Secret's name (this namespace), or null
   * @param url the forward-auth URL, or null
   * @param denied the annotations ask for something that cannot be checked: every path answers 503
   */
  record Auth(String type, String secret, String url, boolean denied) {}

  /**
   * Reads the auth keys of {@code v} (whose global-auth-url defaults it fills in, so later readers
   * see them) and sets the forward-auth rules.
   *
   * @param invalid told of a key whose value denies the paths (name, why)
   */
  static Auth read(
      Map<String, String> v,
      NginxDefaults defaults,
      RouteRules.Builder rules,
      BiConsumer<String, String> invalid) {
    boolean global =
        defaults != null
            && defaults.globalAuthUrl() != null
            && !v.containsKey("auth-url")
            && !v.containsKey("auth-type")
            && (!v.containsKey("enable-global-auth") || NginxValues.flag(v, "enable-global-auth"));
    if (global) {
      // The ConfigMap's global-auth-url guards every location that has no auth of its own.
      v.put("auth-url", defaults.globalAuthUrl());
      if (defaults.globalAuthSignin() != null) {
        v.putIfAbsent("auth-signin", defaults.globalAuthSignin());
      }
      if (defaults.globalAuthResponseHeaders() != null) {
        v.putIfAbsent("auth-response-headers", defaults.globalAuthResponseHeaders());
      }
    }
    if (v.containsKey("auth-url")) {
      rules.setExternalAuth(forward(v));
      if (v.containsKey("auth-type")) {
        invalid.accept(
            "auth-type",
            "basic and external auth together cannot both be checked; every path answers 503");
        return new Auth("FORWARD", null, v.get("auth-url"), true);
      }
      return new Auth("FORWARD", null, v.get("auth-url"), false);
    }
    if (!v.containsKey("auth-type")) {
      return new Auth(null, null, null, false);
    }
    if (v.containsKey("auth-realm")) {
      rules.setAuthRealm(v.get("auth-realm"));
    }
    String s = v.get("auth-secret");
    if (s == null) {
      invalid.accept("auth-type", "needs auth-secret; every path answers 503");
      return new Auth("BASIC", null, null, true);
    }
    String type = "auth-map".equals(v.get("auth-secret-type")) ? "BASIC_MAP" : "BASIC";
    return new Auth(type, s.substring(s.indexOf('/') + 1), null, false);
  }

  private static ExternalAuth.Builder forward(Map<String, String> v) {
    ExternalAuth.Builder ea =
        ExternalAuth.newBuilder()
            .setRedirectParam(v.getOrDefault("auth-signin-redirect-param", "rd"));
    if (v.containsKey("auth-signin")) {
      ea.setSigninUrl(v.get("auth-signin"));
    }
    if (v.containsKey("auth-method")) {
      ea.setMethod(v.get("auth-method"));
    }
    if (v.containsKey("auth-request-redirect")) {
      ea.setRequestRedirect(v.get("auth-request-redirect"));
    }
    ea.setAlwaysSetCookie(NginxValues.flag(v, "auth-always-set-cookie"));
    if (v.containsKey("auth-response-headers")) {
      for (String h : v.get("auth-response-headers").split(",")) {
        if (!h.isBlank()) {
          ea.addResponseHeaders(h.trim());
        }
      }
    }
    return ea;
  }
}
