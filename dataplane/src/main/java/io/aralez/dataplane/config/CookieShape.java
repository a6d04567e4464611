package io.aralez.dataplane.config;

/**
 * The affinity cookie's name and attributes.
 *
 * @param sameSite Strict, Lax, None, or null for none
 * @param secure true or false to force Secure, null to follow the request's scheme
 * @param expiresSeconds Expires = now + this, or null for none
 * @param conditionalSameSiteNone SameSite=None is left out for user agents that mishandle it
 */
public record CookieShape(
    String name,
    String path,
    String domain,
    String sameSite,
    Boolean secure,
    Long expiresSeconds,
    boolean conditionalSameSiteNone) {
  /** Aralez's own: {@code backend_id}, Path=/, SameSite=Lax, Secure over TLS. */
  public static final CookieShape ARALEZ =
      new CookieShape("backend_id", "/", null, "Lax", null, null);

  public CookieShape(
      String name,
      String path,
      String domain,
      String sameSite,
      Boolean secure,
      Long expiresSeconds) {
    this(name, path, domain, sameSite, secure, expiresSeconds, false);
  }

  /** Whether {@code SameSite=None} is to be left out for some user agents. */
  public boolean sameSiteNoneConditional() {
    return conditionalSameSiteNone && "None".equals(sameSite);
  }

  /** This shape without a SameSite attribute. */
  public CookieShape withoutSameSite() {
    return new CookieShape(name, path, domain, null, secure, expiresSeconds, false);
  }
}
