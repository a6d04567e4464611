package io.aralez.dataplane.tls;

import io.aralez.dataplane.request.PeerCertificates;
import io.netty.util.AttributeKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/** The client certificates of a TLS connection, read once its handshake is done. */
public final class ClientChain {
  public static final AttributeKey<PeerCertificates> KEY =
      AttributeKey.valueOf("aralez.peerCertificates");

  private ClientChain() {}

  /** What the client presented, or null when it presented nothing. */
  public static PeerCertificates of(SSLSession session) {
    Certificate[] peer;
    try {
      peer = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
    List<X509Certificate> chain = new ArrayList<>(peer.length);
    for (Certificate c : peer) {
      if (c instanceof X509Certificate x) {
        chain.add(x);
      }
    }
    return chain.isEmpty() ? null : new PeerCertificates(chain);
  }
}
