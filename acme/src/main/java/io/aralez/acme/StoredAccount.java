package io.aralez.acme;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jce.spec.ECPublicKeySpec;
import org.shredzone.acme4j.toolbox.JSON;
import org.shredzone.acme4j.toolbox.JSONBuilder;

/**
 * An ACME account: where the CA keeps it, its key, and the directory it belongs to. Stored as JSON
 * in the original Aralez's {@code acme_credentials.json} shape ({@code id}, {@code key_pkcs8} in
 * base64url, {@code directory}), plus the public key, so a file written by either can be read by
 * this one.
 *
 * @param location the account URL, or null before the account exists at the CA
 */
public record StoredAccount(String location, KeyPair keyPair, String directory) {

  public String toJson() {
    JSONBuilder b = new JSONBuilder();
    if (location != null) {
      b.put("id", location);
    }
    b.put("key_pkcs8", b64(keyPair.getPrivate().getEncoded()));
    b.put("public_key", b64(keyPair.getPublic().getEncoded()));
    b.put("directory", directory);
    return b.toString();
  }

  /**
   * @throws IllegalArgumentException when the text is not such a file (the message says why)
   */
  public static StoredAccount fromJson(String text) {
    Map<String, Object> m;
    try {
      m = new LinkedHashMap<>(JSON.parse(text).toMap());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage());
    }
    Object key = m.get("key_pkcs8");
    if (!(key instanceof String pkcs8)) {
      throw new IllegalArgumentException("no key_pkcs8");
    }
    try {
      PrivateKey priv = privateKey(unb64(pkcs8));
      Object pub = m.get("public_key");
      PublicKey publicKey =
          pub instanceof String s
              ? KeyFactory.getInstance(priv.getAlgorithm())
                  .generatePublic(new X509EncodedKeySpec(unb64(s)))
              : derivePublic(priv);
      Object id = m.get("id");
      Object dir = m.get("directory");
      return new StoredAccount(
          id instanceof String s ? s : null,
          new KeyPair(publicKey, priv),
          dir instanceof String s ? s : null);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("unreadable account key: " + e.getMessage());
    }
  }

  private static PrivateKey privateKey(byte[] der) throws GeneralSecurityException {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    try {
      return KeyFactory.getInstance("EC").generatePrivate(spec);
    } catch (GeneralSecurityException e) {
      return KeyFactory.getInstance("RSA").generatePrivate(spec);
    }
  }

  /**
   * The original wrote only the private key: an EC public key is the curve's generator times the
   * private scalar (RSA keys always came with ours).
   */
  private static PublicKey derivePublic(PrivateKey priv) throws GeneralSecurityException {
    if (!(priv instanceof ECPrivateKey)) {
      throw new GeneralSecurityException("no public_key for a " + priv.getAlgorithm() + " key");
    }
    BouncyCastleProvider bc = new BouncyCastleProvider();
    KeyFactory f = KeyFactory.getInstance("EC", bc);
    var bcKey =
        (org.bouncycastle.jce.interfaces.ECPrivateKey)
            f.generatePrivate(new PKCS8EncodedKeySpec(priv.getEncoded()));
    BigInteger d = bcKey.getD();
    var params = bcKey.getParameters();
    var q = params.getG().multiply(d).normalize();
    PublicKey bcPublic = f.generatePublic(new ECPublicKeySpec(q, params));
    return KeyFactory.getInstance("EC")
        .generatePublic(new X509EncodedKeySpec(bcPublic.getEncoded()));
  }

  private static String b64(byte[] b) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static byte[] unb64(String s) {
    String t = s.trim();
    return t.indexOf('+') >= 0 || t.indexOf('/') >= 0
        ? Base64.getMimeDecoder().decode(t)
        : Base64.getUrlDecoder().decode(t.replace("=", ""));
  }
}
