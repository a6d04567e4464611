package io.aralez.dataplane.tls;

import io.netty.util.AttributeKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLSession;

/**
 * What a TLS connection was opened for: the name the client asked for (SNI) and the DNS names of
 * the certificate it was shown. A request on that connection for another host, that the certificate
 * does not cover either, was never authenticated by the client's TLS check: it gets 421 Misdirected
 * Request (RFC 9110 §15.5.20) so the client opens a connection for that host, instead of being
 * answered by whatever host the Host header names. Without SNI (a client that connected by address)
 * the Host header alone decides, as before.
 *
 * @param sni the requested server name, lower-case, or null
 * @param names the served certificate's DNS names, lower-case ({@code *.example.com} allowed)
 */
public record ServedNames(String sni, List<String> names) {
  public static final AttributeKey<ServedNames> KEY = AttributeKey.valueOf("aralez.servedNames");

  /**
   * Read once when the handshake is done.
   *
   * @param sni the name the client asked for (from the SNI extension)
   */
  public static ServedNames of(String sni, SSLSession session) {
    List<String> names = new ArrayList<>();
    Certificate[] local = session.getLocalCertificates();
    if (local != null && local.length > 0 && local[0] instanceof X509Certificate cert) {
      try {
        var sans = cert.getSubjectAlternativeNames();
        if (sans != null) {
          for (List<?> san : sans) {
            if (Integer.valueOf(2).equals(san.get(0))) {
              names.add(String.valueOf(san.get(1)).toLowerCase(Locale.ROOT));
            }
          }
        }
      } catch (CertificateParsingException e) {
        // no names: only the SNI itself is covered
      }
    }
    return new ServedNames(sni.toLowerCase(Locale.ROOT), List.copyOf(names));
  }

  /** Whether a request for {@code host} (normalised: lower-case, no port) may be answered here. */
  public boolean authoritativeFor(String host) {
    if (host == null || host.equals(sni)) {
      return true;
    }
    for (String n : names) {
      if (n.equals(host)) {
        return true;
      }
      if (n.startsWith("*.")) {
        int dot = host.indexOf('.');
        if (dot > 0 && host.substring(dot + 1).equals(n.substring(2))) {
          return true;
        }
      }
    }
    return false;
  }
}
