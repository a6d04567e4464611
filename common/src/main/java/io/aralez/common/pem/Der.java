package io.aralez.common.pem;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/** Just enough DER to rewrap PKCS#1 and SEC1 private keys as PKCS#8. */
final class Der {
  /** AlgorithmIdentifier for rsaEncryption with NULL parameters. */
  private static final byte[] RSA_ALG = {
    0x30,
    0x0d,
    0x06,
    0x09,
    0x2a,
    (byte) 0x86,
    0x48,
    (byte) 0x86,
    (byte) 0xf7,
    0x0d,
    0x01,
    0x01,
    0x01,
    0x05,
    0x00
  };

  /** OID 1.2.840.10045.2.1 (id-ecPublicKey). */
  private static final byte[] EC_PUBLIC_KEY_OID = {
    0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01
  };

  private Der() {}

  static byte[] wrapRsa(byte[] pkcs1) {
    return privateKeyInfo(RSA_ALG, pkcs1);
  }

  /** SEC1 ECPrivateKey carries its curve in [0]; PKCS#8 wants it in the AlgorithmIdentifier. */
  static byte[] wrapEc(byte[] sec1) throws GeneralSecurityException {
    byte[] curve = curveOid(sec1);
    byte[] alg = tlv(0x30, concat(EC_PUBLIC_KEY_OID, curve));
    return privateKeyInfo(alg, sec1);
  }

  private static byte[] privateKeyInfo(byte[] alg, byte[] key) {
    byte[] version = {0x02, 0x01, 0x00};
    return tlv(0x30, concat(version, alg, tlv(0x04, key)));
  }

  private static byte[] curveOid(byte[] sec1) throws GeneralSecurityException {
    // ECPrivateKey ::= SEQUENCE { version INTEGER, privateKey OCTET STRING, [0] parameters, ... }
    int[] pos = {0};
    expect(sec1, pos, 0x30);
    length(sec1, pos);
    while (pos[0] < sec1.length) {
      int tag = sec1[pos[0]++] & 0xff;
      int len = length(sec1, pos);
      if (tag == 0xa0) {
        return Arrays.copyOfRange(sec1, pos[0], pos[0] + len);
      }
      pos[0] += len;
    }
    throw new GeneralSecurityException("EC private key names no curve");
  }

  private static void expect(byte[] b, int[] pos, int tag) throws GeneralSecurityException {
    if ((b[pos[0]++] & 0xff) != tag) {
      throw new GeneralSecurityException("malformed DER");
    }
  }

  private static int length(byte[] b, int[] pos) throws GeneralSecurityException {
    int first = b[pos[0]++] & 0xff;
    if (first < 0x80) {
      return first;
    }
    int n = first & 0x7f;
    if (n > 3) {
      throw new GeneralSecurityException("malformed DER length");
    }
    int len = 0;
    for (int i = 0; i < n; i++) {
      len = (len << 8) | (b[pos[0]++] & 0xff);
    }
    return len;
  }

  private static byte[] tlv(int tag, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int len = value.length;
    if (len < 0x80) {
      out.write(len);
    } else if (len < 0x100) {
      out.write(0x81);
      out.write(len);
    } else if (len < 0x10000) {
      out.write(0x82);
      out.write(len >> 8);
      out.write(len);
    } else {
      out.write(0x83);
      out.write(len >> 16);
      out.write(len >> 8);
      out.write(len);
    }
    out.writeBytes(value);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
