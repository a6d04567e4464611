package io.aralez.acme;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Security;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Keys for accounts and certificates: ECDSA P-256 (what Let's Encrypt recommends, and small to
 * serve). acme4j builds CSRs and signs requests with Bouncy Castle, which must be registered once.
 */
public final class Keys {
  static {
    if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
      Security.addProvider(new BouncyCastleProvider());
    }
  }

  private Keys() {}

  /** Makes sure the provider acme4j needs is registered; cheap after the first call. */
  public static void ready() {
    // The static initializer did the work.
  }

  public static KeyPair ecP256() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no P-256 in this JVM", e);
    }
  }
}
