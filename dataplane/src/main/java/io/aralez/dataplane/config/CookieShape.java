package io.aralez.dataplane.config;

/**
 * The affinity cookie's name and attributes.
 *
 * @param sameSite Strict, Lax, None, or null for none
 * @param secure true or false to force Secure, null to follow the request's scheme
 * @param expiresSeconds Expires = now + this, or null for none
 */
public record CookieShape(
    String name, String path, String domain, String sameSite, Boolean secure, Long expiresSeconds) {
  /** Aralez's own: {@code backend_id}, Path=/, SameSite=Lax, Secure over TLS. */
  public static final CookieShape ARALEZ =
      new CookieShape("backend_id", "/", null, "Lax", null, null);
}
