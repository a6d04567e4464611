package io.aralez.acme;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URL;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.OrderBuilder;
import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.connector.Resource;
import org.shredzone.acme4j.exception.AcmeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Orders certificates over ACME with HTTP-01: the account (loaded, or created and stored once), the
 * order, one challenge per authorization still pending (the CA may reuse valid ones), the
 * finalization with a fresh P-256 key, and the chain. Blocking: run it on a worker thread, never an
 * event loop. Orders for different names may run at once; each withdraws only its own tokens.
 */
public final class Orderer {
  private static final Logger LOG = LoggerFactory.getLogger(Orderer.class);

  private final Session session;
  private final String directory;
  private final AccountStore accounts;
  private final String email;
  private final Challenges challenges;
  private final Duration wait;
  private Login login;

  /**
   * @param email the account's contact, or null
   * @param wait how long to wait for each validation, the order to be ready, and issuance
   */
  public Orderer(
      Session session, AccountStore accounts, String email, Challenges challenges, Duration wait) {
    this.session = session;
    this.directory = session.getServerUri().toString();
    this.accounts = accounts;
    this.email = email;
    this.challenges = challenges;
    this.wait = wait;
  }

  /** The account, loaded from the store or created at the CA (and stored) on first use. */
  public synchronized Login login() throws AcmeException, IOException {
    if (login != null) {
      return login;
    }
    Optional<StoredAccount> stored = accounts.load();
    if (stored.isPresent()
        && stored.get().location() != null
        && (stored.get().directory() == null || stored.get().directory().equals(directory))) {
      login = session.login(new URL(stored.get().location()), stored.get().keyPair());
      return login;
    }
    // A stored key for another directory is not reused: accounts do not move between CAs.
    KeyPair key =
        stored.isPresent() && stored.get().location() == null
            ? stored.get().keyPair()
            : Keys.ecP256();
    AccountBuilder builder = new AccountBuilder().agreeToTermsOfService().useKeyPair(key);
    if (email != null && !email.isBlank()) {
      builder.addEmail(email);
    }
    login = builder.createLogin(session);
    accounts.save(new StoredAccount(login.getAccountLocation().toString(), key, directory));
    LOG.info("ACME account {} at {}", login.getAccountLocation(), directory);
    return login;
  }

  /**
   * Orders one certificate for {@code domains} (the first is the subject).
   *
   * @param replaces the certificate this one renews, for CAs with renewal information (ARI), or
   *     null
   */
  public Issued order(List<String> domains, X509Certificate replaces)
      throws AcmeException, IOException, InterruptedException {
    Login l = login();
    OrderBuilder builder = l.newOrder().domains(domains);
    if (replaces != null && supportsRenewalInfo()) {
      builder.replaces(replaces);
    }
    Order order = builder.create();
    List<String> published = new ArrayList<>();
    try {
      for (Authorization auth : order.getAuthorizations()) {
        if (auth.getStatus() == Status.VALID) {
          continue;
        }
        String name = auth.getIdentifier().getValue();
        Http01Challenge challenge =
            auth.findChallenge(Http01Challenge.class)
                .orElseThrow(() -> new AcmeException("the CA offers no HTTP-01 for " + name));
        challenges.publish(challenge.getToken(), challenge.getAuthorization());
        published.add(challenge.getToken());
        challenge.trigger();
        Status s = challenge.waitForCompletion(wait);
        if (s != Status.VALID) {
          throw new AcmeException(
              "validation of " + name + " failed: " + describe(challenge.getError()));
        }
      }
    } finally {
      published.forEach(challenges::withdraw);
    }
    Status ready = order.waitUntilReady(wait);
    if (ready != Status.READY) {
      throw new AcmeException("order not ready (" + ready + "): " + describe(order.getError()));
    }
    KeyPair key = Keys.ecP256();
    order.execute(key);
    Status done = order.waitForCompletion(wait);
    if (done != Status.VALID) {
      throw new AcmeException("order failed (" + done + "): " + describe(order.getError()));
    }
    var cert = order.getCertificate();
    StringWriter chain = new StringWriter();
    cert.writeCertificate(chain);
    return new Issued(chain.toString(), pem(key), cert.getCertificate());
  }

  /**
   * When the CA suggests renewing {@code cert} (ARI, RFC 9773), if it offers renewal information.
   */
  public Optional<Instant> suggestedRenewal(X509Certificate cert) {
    try {
      if (!supportsRenewalInfo()) {
        return Optional.empty();
      }
      return Optional.of(login().bindRenewalInfo(cert).getSuggestedWindowStart());
    } catch (AcmeException | IOException | RuntimeException e) {
      // Renewal information is advice: without it the renew-before window decides.
      LOG.debug("no renewal information for {}: {}", cert.getSubjectX500Principal(), e.toString());
      return Optional.empty();
    }
  }

  private boolean supportsRenewalInfo() throws AcmeException {
    return session.resourceUrlOptional(Resource.RENEWAL_INFO).isPresent();
  }

  private static String describe(Optional<Problem> problem) {
    return problem.map(p -> p.getDetail().orElse(p.getType().toString())).orElse("no reason given");
  }

  static String pem(KeyPair key) {
    String body =
        Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getPrivate().getEncoded());
    return "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n";
  }
}
