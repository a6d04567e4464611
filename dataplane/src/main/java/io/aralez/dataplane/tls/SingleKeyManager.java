package io.aralez.dataplane.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Locale;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * One server key and its chain, handed to the TLS engine as they are. Netty's own path for a key
 * and chain builds a PKCS#12 KeyStore around them, which protects the key with PBKDF2 (10,000
 * HMAC-SHA256 rounds) and unprotects it again for the key manager: twice per certificate loaded, on
 * every reload, for a store that never leaves memory — and the compilation of that loop was the
 * largest the JIT made in a proxy's life (bench/README.md, "Twenty-second session").
 *
 * <p>Which handshakes the key suits follows the JDK's own key manager: the key type asked for is a
 * key algorithm ({@code EC}, {@code RSA}), optionally with the algorithm that signed the
 * certificate ({@code EC_RSA}: an EC key in a certificate an RSA key signed).
 */
final class SingleKeyManager extends X509ExtendedKeyManager {
  static final String ALIAS = "server";

  private final PrivateKey key;
  private final X509Certificate[] chain;

  SingleKeyManager(PrivateKey key, X509Certificate[] chain) {
    if (chain.length == 0) {
      throw new IllegalArgumentException("a certificate chain needs at least one certificate");
    }
    this.key = key;
    this.chain = chain.clone();
  }

  boolean suits(String keyType) {
    if (keyType == null) {
      return false;
    }
    int sep = keyType.indexOf('_');
    String keyAlgorithm = sep < 0 ? keyType : keyType.substring(0, sep);
    if (!keyAlgorithm.equals(key.getAlgorithm())) {
      return false;
    }
    if (sep < 0) {
      return true;
    }
    String signer = keyType.substring(sep + 1);
    // The issuer's key says who signed, when the chain carries the issuer; else the certificate's
    // own signature algorithm ("SHA256withRSA") does.
    if (chain.length > 1) {
      return signer.equals(chain[1].getPublicKey().getAlgorithm());
    }
    return chain[0]
        .getSigAlgName()
        .toUpperCase(Locale.ROOT)
        .contains("WITH" + signer.toUpperCase(Locale.ROOT));
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return suits(keyType) ? ALIAS : null;
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return suits(keyType) ? ALIAS : null;
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return suits(keyType) ? new String[] {ALIAS} : null;
  }

  /** A server's key is never offered as a client certificate. */
  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    return null;
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return null;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return ALIAS.equals(alias) ? chain.clone() : null;
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return ALIAS.equals(alias) ? key : null;
  }
}
