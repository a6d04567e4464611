package io.aralez.acme;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When a certificate is due: inside its renew-before window, or past the start of the window the CA
 * suggested (ARI), whichever comes first. A certificate that does not exist is due at once.
 */
public final class RenewalPolicy {
  private final Duration renewBefore;

  public RenewalPolicy(Duration renewBefore) {
    this.renewBefore = renewBefore;
  }

  /**
   * @param notAfter the current certificate's end, or null when there is none
   * @param suggested the CA's suggested renewal start, if it gave one
   */
  public Instant dueAt(Instant notAfter, Optional<Instant> suggested) {
    if (notAfter == null) {
      return Instant.MIN;
    }
    Instant byWindow = notAfter.minus(renewBefore);
    return suggested.filter(s -> s.isBefore(byWindow)).orElse(byWindow);
  }

  public boolean due(Instant notAfter, Optional<Instant> suggested, Instant now) {
    return !now.isBefore(dueAt(notAfter, suggested));
  }
}
