package io.aralez.dataplane.config;

import io.aralez.common.pem.PemFiles;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * How one route's TLS backends are spoken to, as configured (ingress-nginx's proxy-ssl-*): which
 * CAs to trust, the client certificate to present, and which name to verify and send as SNI. Equal
 * specs (by content, compared through a digest) share their TLS contexts and pooled connections.
 *
 * @param caPem trusted CAs (PEM), or null for the system's
 * @param certPem the client certificate chain (PEM), or null for none
 * @param keyPem its private key (PEM), or null
 * @param verify whether the backend's chain and name are verified
 * @param serverName the name verified and sent as SNI, or null for the request's host
 * @param sendServerName SNI is sent even when nothing is verified
 * @param verifyDepth intermediate CAs allowed between the backend's certificate and the trusted CA,
 *     at least 1
 * @param ciphers TLS 1.2 suites offered (IANA names), empty for the defaults
 * @param protocols TLSv1.2 and/or TLSv1.3, empty for both
 */
public record UpstreamTlsSpec(
    String caPem,
    String certPem,
    String keyPem,
    boolean verify,
    String serverName,
    boolean sendServerName,
    int verifyDepth,
    java.util.List<String> ciphers,
    java.util.List<String> protocols,
    String id) {

  public UpstreamTlsSpec {
    ciphers = java.util.List.copyOf(ciphers);
    protocols = java.util.List.copyOf(protocols);
  }

  public UpstreamTlsSpec(
      String caPem,
      String certPem,
      String keyPem,
      boolean verify,
      String serverName,
      boolean sendServerName,
      int verifyDepth) {
    this(
        caPem,
        certPem,
        keyPem,
        verify,
        serverName,
        sendServerName,
        verifyDepth,
        java.util.List.of(),
        java.util.List.of());
  }

  public UpstreamTlsSpec(
      String caPem,
      String certPem,
      String keyPem,
      boolean verify,
      String serverName,
      boolean sendServerName,
      int verifyDepth,
      java.util.List<String> ciphers,
      java.util.List<String> protocols) {
    this(
        caPem,
        certPem,
        keyPem,
        verify,
        serverName,
        sendServerName,
        verifyDepth,
        ciphers,
        protocols,
        digest(
            caPem,
            certPem,
            keyPem,
            verify,
            serverName,
            sendServerName,
            verifyDepth,
            ciphers,
            protocols));
  }

  /**
   * The server name to send as SNI for a request to {@code host}, or null for none (the backend is
   * then reached by address).
   */
  public String sni(String host) {
    if (!verify && !sendServerName) {
      return null;
    }
    return serverName != null ? serverName : host;
  }

  /**
   * What makes this spec unusable (a PEM that does not parse, a key without its chain), or null.
   */
  public String problem() {
    try {
      if (caPem != null) {
        PemFiles.certificates("the upstream CA", caPem);
      }
      if ((certPem == null) != (keyPem == null)) {
        return "an upstream client certificate needs both its chain and its key";
      }
      if (certPem != null) {
        var chain = PemFiles.certificates("the upstream client certificate", certPem);
        var key = PemFiles.privateKey("the upstream client key", keyPem);
        if (!PemFiles.keyMatches(chain.get(0).getPublicKey(), key)) {
          return "the upstream client key does not match its certificate";
        }
      }
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return e.getMessage();
    }
    if (serverName != null && !serverName.matches("[A-Za-z0-9.-]{1,253}")) {
      return "upstream server name '" + serverName + "' is not a host name";
    }
    if (verifyDepth < 1 || verifyDepth > 10) {
      return "upstream verify depth " + verifyDepth + " is not 1 to 10";
    }
    for (String c : ciphers) {
      if (!c.equals(io.aralez.common.values.TlsNames.tls12Cipher(c))) {
        return "upstream cipher '" + c + "' is not one Aralez offers";
      }
    }
    for (String p : protocols) {
      if (io.aralez.common.values.TlsNames.protocol(p) == null) {
        return "upstream protocol '" + p + "' is not TLSv1.2 or TLSv1.3";
      }
    }
    return null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UpstreamTlsSpec other && other.id.equals(id);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  @Override
  public String toString() {
    // Never the key.
    return "UpstreamTlsSpec[" + id.substring(0, 12) + "]";
  }

  private static String digest(Object... parts) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      for (Object p : parts) {
        d.update(String.valueOf(p).getBytes(StandardCharsets.UTF_8));
        d.update((byte) 0);
      }
      return HexFormat.of().formatHex(d.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
