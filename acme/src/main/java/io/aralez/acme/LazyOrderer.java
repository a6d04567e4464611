package io.aralez.acme;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;

/**
 * The {@link Orderer} of a process, made on first use (reading the CA file then, so a missing file
 * is an order's failure, not a crash at start), with the timeouts both sides use.
 */
public final class LazyOrderer {
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration WAIT = Duration.ofMinutes(2);

  private final URI directory;
  private final Path caFile;
  private final AccountStore accounts;
  private final String email;
  private final Challenges challenges;
  private Orderer orderer;

  public LazyOrderer(
      URI directory, Path caFile, AccountStore accounts, String email, Challenges challenges) {
    this.directory = directory;
    this.caFile = caFile;
    this.accounts = accounts;
    this.email = email;
    this.challenges = challenges;
  }

  public synchronized Orderer get() throws IOException, GeneralSecurityException {
    if (orderer == null) {
      orderer =
          new Orderer(
              AcmeSessions.open(directory, caFile, CALL_TIMEOUT),
              accounts,
              email,
              challenges,
              WAIT);
    }
    return orderer;
  }

  /** Daemon threads for ACME work: never on an event loop, never keeping the JVM alive. */
  public static ThreadFactory threads(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
