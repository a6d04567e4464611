package io.aralez.common.pem;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM certificate chains and private keys: PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA
 * PRIVATE KEY}) and SEC1 ({@code EC PRIVATE KEY}), RSA and ECDSA, without extra libraries. Older
 * formats are rewrapped as PKCS#8.
 */
public final class PemFiles {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]+)-----END \\1-----");

  private PemFiles() {}

  public static List<X509Certificate> certificates(Path file)
      throws IOException, GeneralSecurityException {
    return certificates(file.toString(), Files.readString(file, StandardCharsets.US_ASCII));
  }

  /** The certificates of PEM {@code text}; {@code source} names it in errors. */
  public static List<X509Certificate> certificates(String source, String text)
      throws GeneralSecurityException {
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    List<X509Certificate> out = new ArrayList<>();
    for (Block b : blocks(source, text)) {
      if (b.type().equals("CERTIFICATE")) {
        out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(b.der())));
      }
    }
    if (out.isEmpty()) {
      throw new GeneralSecurityException(source + " holds no PEM certificate");
    }
    return out;
  }

  public static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
    return privateKey(file.toString(), Files.readString(file, StandardCharsets.US_ASCII));
  }

  /** The private key of PEM {@code text}; {@code source} names it in errors. */
  public static PrivateKey privateKey(String source, String text) throws GeneralSecurityException {
    for (Block b : blocks(source, text)) {
      switch (b.type()) {
        case "PRIVATE KEY" -> {
          return pkcs8(b.der());
        }
        case "RSA PRIVATE KEY" -> {
          return KeyFactory.getInstance("RSA")
              .generatePrivate(new PKCS8EncodedKeySpec(Der.wrapRsa(b.der())));
        }
        case "EC PRIVATE KEY" -> {
          return KeyFactory.getInstance("EC")
              .generatePrivate(new PKCS8EncodedKeySpec(Der.wrapEc(b.der())));
        }
        case "ENCRYPTED PRIVATE KEY" ->
            throw new GeneralSecurityException(source + ": encrypted keys are not supported");
        default -> {}
      }
    }
    throw new GeneralSecurityException(source + " holds no PEM private key");
  }

  private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
    GeneralSecurityException last = null;
    for (String alg : new String[] {"RSA", "EC", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw last;
  }

  /** Whether {@code key} is the private half of {@code pub} (a signature made with it verifies). */
  public static boolean keyMatches(PublicKey pub, PrivateKey key) throws GeneralSecurityException {
    String alg =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          default -> "Ed25519";
        };
    byte[] probe = "aralez".getBytes(StandardCharsets.US_ASCII);
    Signature s = Signature.getInstance(alg);
    s.initSign(key);
    s.update(probe);
    byte[] sig = s.sign();
    Signature v = Signature.getInstance(alg);
    v.initVerify(pub);
    v.update(probe);
    return v.verify(sig);
  }

  private record Block(String type, byte[] der) {}

  private static List<Block> blocks(String source, String text) throws GeneralSecurityException {
    List<Block> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      try {
        out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
      } catch (IllegalArgumentException e) {
        throw new GeneralSecurityException(source + ": bad base64 in " + m.group(1));
      }
    }
    return out;
  }
}
