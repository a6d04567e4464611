package io.aralez.dataplane.admission;

import io.aralez.dataplane.config.RouteRules;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.security.auth.x500.X500Principal;

/**
 * ingress-nginx's auth-tls-*: the client certificate of a request's TLS connection checked against
 * the route's CAs. With {@code on} a missing or invalid one is 400 (or a 302 to the error page),
 * with {@code optional} only an invalid one, with {@code optional_no_ca} none; a subject that does
 * not match {@code match-cn} is 403. The outcome goes upstream in ssl-client-verify, -subject-dn,
 * -issuer-dn (and -cert), replacing whatever the client sent under those names.
 */
final class ClientCertStep implements AdmissionStep {
  @Override
  public Verdict.Local check(Admitting r) {
    RouteRules.ClientAuth auth = r.route().rules().clientAuth();
    if (auth == null || auth.mode().equals("off")) {
      return null;
    }
    var peer = r.head.clientCertificates();
    List<X509Certificate> chain = peer.chain();
    String outcome = chain.isEmpty() ? "NONE" : peer.outcome(auth, () -> verify(chain, auth));
    boolean refused =
        switch (auth.mode()) {
          case "on" -> !outcome.equals("SUCCESS");
          case "optional" -> outcome.startsWith("FAILED");
          default -> false;
        };
    if (refused) {
      return auth.errorPage() != null
          ? Verdict.Local.of(302, "location", auth.errorPage())
          : Verdict.Local.of(400);
    }
    String subject = chain.isEmpty() ? "" : dn(chain.get(0).getSubjectX500Principal());
    if (auth.matchCn() != null
        && outcome.equals("SUCCESS")
        && !auth.matchCn().matcher(subject).find()) {
      return Verdict.Local.of(403);
    }
    r.addRequestHeader("ssl-client-verify", outcome);
    r.addRequestHeader("ssl-client-subject-dn", subject);
    r.addRequestHeader(
        "ssl-client-issuer-dn", chain.isEmpty() ? "" : dn(chain.get(0).getIssuerX500Principal()));
    if (auth.passCertificate()) {
      r.addRequestHeader("ssl-client-cert", chain.isEmpty() ? "" : escapedPem(chain.get(0)));
    }
    return null;
  }

  /** SUCCESS, or FAILED:reason as nginx's $ssl_client_verify says it. */
  static String verify(List<X509Certificate> chain, RouteRules.ClientAuth auth) {
    try {
      Set<TrustAnchor> anchors = new HashSet<>();
      for (X509Certificate ca : auth.cas()) {
        anchors.add(new TrustAnchor(ca, null));
      }
      // The path ends below the trusted CA; a client may send that CA too.
      int end = 0;
      while (end < chain.size() && !auth.cas().contains(chain.get(end))) {
        end++;
      }
      if (end == 0) {
        // The client's own certificate is one of the trusted ones.
        return "SUCCESS";
      }
      // nginx's depth (OpenSSL's count) is the intermediates between the client's certificate and
      // the trusted CA.
      if (end - 1 > auth.depth()) {
        return "FAILED:certificate chain too long";
      }
      PKIXParameters params = new PKIXParameters(anchors);
      // No revocation lookups from the request path (nginx checks none without a CRL either).
      params.setRevocationEnabled(false);
      CertPathValidator.getInstance("PKIX")
          .validate(
              CertificateFactory.getInstance("X.509").generateCertPath(chain.subList(0, end)),
              params);
      return "SUCCESS";
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return "FAILED:" + why.replaceAll("[\\r\\n]", " ");
    }
  }

  /** RFC 2253, as nginx writes $ssl_client_s_dn since 1.11.6. */
  private static String dn(X500Principal p) {
    return p.getName(X500Principal.RFC2253);
  }

  /** The PEM of {@code c}, percent-escaped as nginx's $ssl_client_escaped_cert. */
  private static String escapedPem(X509Certificate c) {
    try {
      String pem =
          "-----BEGIN CERTIFICATE-----\n"
              + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(c.getEncoded())
              + "\n-----END CERTIFICATE-----\n";
      StringBuilder out = new StringBuilder(pem.length() + 64);
      for (byte b : pem.getBytes(StandardCharsets.US_ASCII)) {
        int ch = b & 0xff;
        if (Character.isLetterOrDigit(ch) || "-_.~".indexOf(ch) >= 0) {
          out.append((char) ch);
        } else {
          out.append('%').append(String.format("%02X", ch));
        }
      }
      return out.toString();
    } catch (CertificateEncodingException e) {
      return "";
    }
  }
}
