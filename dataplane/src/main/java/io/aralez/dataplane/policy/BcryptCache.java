package io.aralez.dataplane.policy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.mindrot.jbcrypt.BCrypt;

/**
 * bcrypt checks are slow on purpose (tens of milliseconds), so they never run on an event loop: a
 * small bounded pool does them, and credentials that verified once are remembered (by a SHA-256 of
 * hash and password, never the password itself) so that a client's following requests cost nothing.
 * A full queue refuses (503) rather than piling up work an attacker can create at will.
 */
public final class BcryptCache {
  private static final int MAX_REMEMBERED = 10_000;
  private static final ThreadPoolExecutor POOL =
      new ThreadPoolExecutor(
          2,
          2,
          60,
          TimeUnit.SECONDS,
          new ArrayBlockingQueue<>(256),
          r -> {
            Thread t = new Thread(r, "aralez-bcrypt");
            t.setDaemon(true);
            return t;
          });
  private static final Map<String, Boolean> VERIFIED =
      Collections.synchronizedMap(
          new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> e) {
              return size() > MAX_REMEMBERED;
            }
          });

  private BcryptCache() {}

  public static boolean isHash(String s) {
    return s.startsWith("$2a$") || s.startsWith("$2b$") || s.startsWith("$2y$");
  }

  /** The remembered answer, or null when it must be computed. */
  static Boolean known(String hash, String password) {
    return VERIFIED.get(key(hash, password));
  }

  /** Verifies off the event loop; completes exceptionally when the pool is saturated. */
  static CompletableFuture<Boolean> verify(String hash, String password) {
    try {
      return CompletableFuture.supplyAsync(
          () -> {
            boolean ok;
            try {
              ok = BCrypt.checkpw(password, hash.replaceFirst("^\\$2[by]\\$", "\\$2a\\$"));
            } catch (IllegalArgumentException e) {
              ok = false;
            }
            if (ok) {
              VERIFIED.put(key(hash, password), true);
            }
            return ok;
          },
          POOL);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static String key(String hash, String password) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(hash.getBytes(StandardCharsets.UTF_8));
      d.update((byte) 0);
      d.update(password.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
