package io.aralez.dataplane.policy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The htpasswd hash formats besides bcrypt that nginx's auth_basic reads and migrating clusters
 * carry in their Secrets: Apache's MD5 ({@code $apr1$}, htpasswd's default), {@code {SHA}} and
 * {@code {PLAIN}}. Cheap enough (about 0.1 ms for apr1) to check in place; compared in constant
 * time.
 */
public final class Htpasswd {
  private static final String ITOA64 =
      "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  private Htpasswd() {}

  /** Whether {@code stored} is one of these formats. */
  public static boolean isHash(String stored) {
    return stored.startsWith("$apr1$")
        || stored.startsWith("{SHA}")
        || stored.startsWith("{PLAIN}");
  }

  /** Whether {@code password} matches {@code stored} (one of {@link #isHash}'s formats). */
  public static boolean verify(String stored, String password) {
    String computed;
    if (stored.startsWith("{PLAIN}")) {
      computed = "{PLAIN}" + password;
    } else if (stored.startsWith("{SHA}")) {
      computed =
          "{SHA}"
              + Base64.getEncoder()
                  .encodeToString(
                      digest("SHA-1").digest(password.getBytes(StandardCharsets.UTF_8)));
    } else {
      int end = stored.indexOf('$', 6);
      if (end < 0) {
        return false;
      }
      computed = apr1(password, stored.substring(6, end));
    }
    return MessageDigest.isEqual(
        computed.getBytes(StandardCharsets.UTF_8), stored.getBytes(StandardCharsets.UTF_8));
  }

  /** Apache's variant of the MD5 crypt: {@code $apr1$salt$hash}. */
  static String apr1(String password, String salt) {
    if (salt.length() > 8) {
      salt = salt.substring(0, 8);
    }
    byte[] pw = password.getBytes(StandardCharsets.UTF_8);
    byte[] sl = salt.getBytes(StandardCharsets.UTF_8);
    byte[] magic = "$apr1$".getBytes(StandardCharsets.UTF_8);
    MessageDigest ctx = digest("MD5");
    ctx.update(pw);
    ctx.update(magic);
    ctx.update(sl);
    MessageDigest alt = digest("MD5");
    alt.update(pw);
    alt.update(sl);
    alt.update(pw);
    byte[] fin = alt.digest();
    for (int left = pw.length; left > 0; left -= 16) {
      ctx.update(fin, 0, Math.min(left, 16));
    }
    for (int i = pw.length; i != 0; i >>>= 1) {
      if ((i & 1) != 0) {
        ctx.update((byte) 0);
      } else {
        ctx.update(pw, 0, pw.length == 0 ? 0 : 1);
      }
    }
    fin = ctx.digest();
    for (int i = 0; i < 1000; i++) {
      MessageDigest r = digest("MD5");
      if ((i & 1) != 0) {
        r.update(pw);
      } else {
        r.update(fin, 0, 16);
      }
      if (i % 3 != 0) {
        r.update(sl);
      }
      if (i % 7 != 0) {
        r.update(pw);
      }
      if ((i & 1) != 0) {
        r.update(fin, 0, 16);
      } else {
        r.update(pw);
      }
      fin = r.digest();
    }
    StringBuilder out = new StringBuilder("$apr1$").append(salt).append('$');
    to64(out, (fin[0] & 0xff) << 16 | (fin[6] & 0xff) << 8 | (fin[12] & 0xff), 4);
    to64(out, (fin[1] & 0xff) << 16 | (fin[7] & 0xff) << 8 | (fin[13] & 0xff), 4);
    to64(out, (fin[2] & 0xff) << 16 | (fin[8] & 0xff) << 8 | (fin[14] & 0xff), 4);
    to64(out, (fin[3] & 0xff) << 16 | (fin[9] & 0xff) << 8 | (fin[15] & 0xff), 4);
    to64(out, (fin[4] & 0xff) << 16 | (fin[10] & 0xff) << 8 | (fin[5] & 0xff), 4);
    to64(out, fin[11] & 0xff, 2);
    return out.toString();
  }

  private static void to64(StringBuilder out, int v, int n) {
    while (--n >= 0) {
      out.append(ITOA64.charAt(v & 0x3f));
      v >>>= 6;
    }
  }

  private static MessageDigest digest(String name) {
    try {
      return MessageDigest.getInstance(name);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
