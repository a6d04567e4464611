package io.aralez.controller.snapshot;

import io.aralez.api.v1.Auth;
import io.aralez.api.v1.Policy;
import io.aralez.api.v1.StickyCookie;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.ArrayList;
import java.util.List;

/**
 * Processor: Secret and auth resolution. A {@link PolicySpec} (from annotations or an AralezRoute)
 * becomes the policy proto, credentials read from the referenced Secret. A Secret that cannot be
 * read fails closed: the route refuses everyone rather than admitting everyone.
 */
final class Policies {
  private static final java.util.regex.Pattern HTPASSWD_HASH =
      java.util.regex.Pattern.compile("\\$2[aby]\\$|\\$apr1\\$|\\{SHA}|\\{PLAIN}");
  private final Lookups lookups;

  Policies(Lookups lookups) {
    this.lookups = lookups;
  }

  Policy policy(ObjectReport report, String ns, PolicySpec p) {
    Policy.Builder b = Policy.newBuilder();
    if (p.rateLimit() != null) {
      b.setRateLimitRps(p.rateLimit());
    }
    if (p.errorRateLimit() != null) {
      b.setErrorRateLimitRps(p.errorRateLimit());
    }
    if (p.requestHeaders() != null) {
      b.addAllRequestHeaders(p.requestHeaders());
    }
    if (p.responseHeaders() != null) {
      b.addAllResponseHeaders(p.responseHeaders());
    }
    if (p.stickyMaxAge() != null) {
      b.setSticky(StickyCookie.newBuilder().setEnabled(true).setMaxAgeSeconds(p.stickyMaxAge()));
    }
    b.setHealthCheck(Boolean.TRUE.equals(p.healthCheck()));
    if (p.connectTimeoutMs() != null) {
      b.setConnectTimeoutMs(p.connectTimeoutMs().intValue());
    }
    if (p.readTimeoutMs() != null) {
      b.setReadTimeoutMs(p.readTimeoutMs().intValue());
    }
    if (p.connectAttempts() != null) {
      b.setConnectAttempts(p.connectAttempts());
    }
    PolicySpec.BackendCap cap = p.backendCap();
    if (cap != null) {
      if (cap.maxConnections() != null) {
        b.setMaxConnections(cap.maxConnections());
      }
      if (cap.queueSize() != null) {
        b.setQueueSize(cap.queueSize());
      }
      if (cap.queueTimeoutMs() != null) {
        b.setQueueTimeoutMs(cap.queueTimeoutMs().intValue());
      }
    }
    Integer code = p.redirectUrl() != null ? p.redirectCode() : p.sslRedirectCode();
    if (code != null) {
      b.setRedirectCode(code);
    }
    if (p.authType() != null && !p.authType().equals("NONE")) {
      b.setAuth(auth(report, ns, p));
    }
    return b.build();
  }

  /**
   * The policy with ingress-nginx's proxy-ssl-* settings; null when the Secret they name cannot be
   * read (the paths then answer 503, as ingress-nginx denies the location).
   */
  Policy withUpstreamTls(
      ObjectReport report,
      String ns,
      Policy policy,
      io.aralez.controller.snapshot.nginx.NginxResult.UpstreamTls t) {
    io.aralez.api.v1.UpstreamTls.Builder b =
        io.aralez.api.v1.UpstreamTls.newBuilder()
            .setVerify(t.verify())
            .setSendServerName(t.sendServerName())
            .setVerifyDepth(t.verifyDepth())
            .addAllCiphers(t.ciphers())
            .addAllProtocols(t.protocols());
    if (t.serverName() != null) {
      b.setServerName(t.serverName());
    }
    if (t.secret() != null) {
      Secret s = lookups.secret(ns + "/" + t.secret());
      String ca = s == null ? null : SecretValues.value(s, "ca.crt");
      String crt = s == null ? null : SecretValues.value(s, "tls.crt");
      String key = s == null ? null : SecretValues.value(s, "tls.key");
      if (s == null || ca == null && (crt == null || key == null)) {
        report.warnings.add(
            "proxy-ssl-secret "
                + ns
                + "/"
                + t.secret()
                + (s == null ? " not found" : " has neither ca.crt nor tls.crt and tls.key")
                + ": every path answers 503");
        report.resolvedRefs = false;
        return null;
      }
      if (ca != null) {
        b.setCaPem(ca);
      }
      if (crt != null && key != null) {
        b.setCertPem(crt).setKeyPem(key);
      }
    }
    return policy.toBuilder().setUpstreamTls(b).build();
  }

  /** custom-headers: the ConfigMap's headers that may be added; null when it is missing. */
  List<io.aralez.api.v1.Header> customHeaders(
      ObjectReport report,
      String ns,
      io.aralez.controller.snapshot.nginx.NginxResult.CustomHeaders c) {
    return configMapHeaders(report, ns, c.configMap(), c.allowed());
  }

  /**
   * The data of ConfigMap {@code name} as headers (sorted by name); a name not in {@code allowed}
   * (when not null) or a header Aralez never lets routes set is left out with a warning. Null when
   * the ConfigMap does not exist: the paths then answer 503, as ingress-nginx denies them.
   */
  List<io.aralez.api.v1.Header> configMapHeaders(
      ObjectReport report, String ns, String name, List<String> allowed) {
    var cm = lookups.configMap(ns + "/" + name);
    if (cm == null) {
      report.warnings.add("ConfigMap " + ns + "/" + name + " not found: every path answers 503");
      report.resolvedRefs = false;
      return null;
    }
    List<io.aralez.api.v1.Header> out = new ArrayList<>();
    var data =
        new java.util.TreeMap<String, String>(
            cm.getData() == null ? java.util.Map.of() : cm.getData());
    for (var e : data.entrySet()) {
      if (allowed != null && !allowed.contains(e.getKey().toLowerCase(java.util.Locale.ROOT))) {
        report.warnings.add(
            "header "
                + e.getKey()
                + " of ConfigMap "
                + ns
                + "/"
                + name
                + " is not in global-allowed-response-headers; not added");
        continue;
      }
      try {
        out.add(Values.header(e.getKey(), e.getValue()));
      } catch (IllegalArgumentException ex) {
        report.warnings.add(
            "header " + e.getKey() + " of ConfigMap " + ns + "/" + name + ": " + ex.getMessage());
      }
    }
    return out;
  }

  /**
   * ingress-nginx's auth-tls-* with the CA read from its Secret; null when the Secret or its ca.crt
   * cannot be read (the paths then answer 503).
   */
  io.aralez.api.v1.ClientCertificates clientCertificates(
      ObjectReport report,
      String ns,
      io.aralez.controller.snapshot.nginx.NginxResult.ClientCerts c) {
    Secret s = lookups.secret(ns + "/" + c.secret());
    String ca = s == null ? null : SecretValues.value(s, "ca.crt");
    if (ca == null || ca.isBlank()) {
      report.warnings.add(
          "auth-tls-secret "
              + ns
              + "/"
              + c.secret()
              + (s == null ? " not found" : " has no ca.crt")
              + ": every path answers 503");
      report.resolvedRefs = false;
      return null;
    }
    var b =
        io.aralez.api.v1.ClientCertificates.newBuilder()
            .setCaPem(ca)
            .setVerifyClient(c.mode())
            .setVerifyDepth(c.depth())
            .setPassCertificate(c.passCertificate());
    if (c.errorPage() != null) {
      b.setErrorPage(c.errorPage());
    }
    if (c.matchCn() != null) {
      b.setMatchCn(c.matchCn());
    }
    return b.build();
  }

  private Auth auth(ObjectReport report, String ns, PolicySpec p) {
    boolean map = p.authType().equals("BASIC_MAP");
    Auth.Builder a =
        Auth.newBuilder().setType(map ? Auth.Type.BASIC : Auth.Type.valueOf(p.authType()));
    if (p.authType().equals("FORWARD")) {
      return a.setForwardUrl(p.authUrl()).build();
    }
    if (map) {
      List<String> creds = mapLines(report, ns, p.authSecret());
      if (creds.isEmpty()) {
        a.addCredentials("");
        report.resolvedRefs = false;
      }
      return a.addAllCredentials(creds).build();
    }
    String key =
        switch (p.authType()) {
          case "BASIC" -> "auth";
          case "APIKEY" -> "api-keys";
          default -> "jwt-secret";
        };
    List<String> creds = secretLines(report, ns, p.authSecret(), key, !p.authType().equals("JWT"));
    if (creds.isEmpty()) {
      // Fail closed: a route whose credentials are unreadable serves nobody, never everybody.
      a.addCredentials("");
      report.resolvedRefs = false;
    } else {
      a.addAllCredentials(creds);
    }
    return a.build();
  }

  private List<String> secretLines(
      ObjectReport report, String ns, String name, String key, boolean lines) {
    Secret s = lookups.secret(ns + "/" + name);
    String text = s == null ? null : SecretValues.value(s, key);
    if (text == null) {
      report.warnings.add(
          "Secret "
              + ns
              + "/"
              + name
              + (s == null ? " not found" : " has no key " + key)
              + ": the route refuses every request until it does");
      return List.of();
    }
    if (!lines) {
      return text.isBlank() ? List.of() : List.of(text.strip());
    }
    List<String> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      String l = line.strip();
      if (l.isEmpty()) {
        continue;
      }
      if (!key.equals("auth") || basicLine(report, ns + "/" + name, l)) {
        out.add(l);
      }
    }
    return out;
  }

  /** ingress-nginx's auth-map: each key of the Secret is a user, its value the hash. */
  private List<String> mapLines(ObjectReport report, String ns, String name) {
    Secret s = lookups.secret(ns + "/" + name);
    if (s == null) {
      report.warnings.add(
          "Secret "
              + ns
              + "/"
              + name
              + " not found: the route refuses every request until it does");
      return List.of();
    }
    List<String> out = new ArrayList<>();
    SecretValues.all(s)
        .forEach(
            (user, hash) -> {
              String l = user.strip() + ":" + hash.strip();
              if (basicLine(report, ns + "/" + name, l)) {
                out.add(l);
              }
            });
    return out;
  }

  /** Whether {@code l} is a user:hash line a data plane can check; a warning when not. */
  private static boolean basicLine(ObjectReport report, String secret, String l) {
    if (!l.matches("[^:\\s]+:\\S+")) {
      // A malformed line would make every data plane refuse the snapshot: it is left out.
      report.warnings.add("a line of Secret " + secret + " is not user:hash; ignored");
      return false;
    }
    if (!HTPASSWD_HASH.matcher(l.substring(l.indexOf(':') + 1)).lookingAt()) {
      // crypt(3), $1$, $5$, $6$ or no hash at all: never let a hash string work as a password.
      report.warnings.add(
          "a line of Secret "
              + secret
              + " uses a hash Aralez cannot check (bcrypt, apr1, {SHA} and {PLAIN} are read); ignored");
      return false;
    }
    return true;
  }
}
