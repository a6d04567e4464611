package io.aralez.dataplane.routing;

import io.aralez.dataplane.config.HostPort;
import io.aralez.dataplane.config.ProxyConfig.Route;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sticky-session cookie values. An id depends only on the route (host and path) and the backend
 * address, so it survives reloads, restarts and health or protocol changes, and is the same on
 * every replica sharing the key. It is a keyed hash: the cookie never reveals the address, and with
 * a secret key (master_key) it cannot be computed from a guessed address either.
 */
public final class StickyIds {
  /** Used when no master_key is configured. */
  public static final byte[] DEFAULT_KEY = "aralez-sticky-v1".getBytes(StandardCharsets.UTF_8);

  private StickyIds() {}

  public static String of(byte[] key, Route route, HostPort address) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] h =
          mac.doFinal(
              (route.host() + "\n" + route.path() + "\n" + address)
                  .getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h, 0, 16);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
