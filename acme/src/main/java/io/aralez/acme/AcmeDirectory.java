package io.aralez.acme;

import java.net.URI;
import java.util.Locale;

/** Where the CA's ACME directory is: an {@code https://} URL or an acme4j {@code acme://} URI. */
public final class AcmeDirectory {
  /** Let's Encrypt production. */
  public static final URI LETS_ENCRYPT = URI.create("acme://letsencrypt.org");

  /** Let's Encrypt staging: untrusted certificates, generous rate limits, for trying things. */
  public static final URI LETS_ENCRYPT_STAGING = URI.create("acme://letsencrypt.org/staging");

  private AcmeDirectory() {}

  /**
   * @param text null or blank for Let's Encrypt production
   * @throws IllegalArgumentException for anything but {@code https://host...} or {@code acme://...}
   */
  public static URI parse(String text) {
    if (text == null || text.isBlank()) {
      return LETS_ENCRYPT;
    }
    URI uri;
    try {
      uri = URI.create(text.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + text + "' is not a URI");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("https") || scheme.equals("acme")) || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "'" + text + "' is neither an https:// directory URL nor an acme:// URI");
    }
    return uri;
  }
}
