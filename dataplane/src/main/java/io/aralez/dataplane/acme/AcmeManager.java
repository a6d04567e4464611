package io.aralez.dataplane.acme;

import io.aralez.acme.Backoff;
import io.aralez.acme.FailureLog;
import io.aralez.acme.Issued;
import io.aralez.acme.LazyOrderer;
import io.aralez.acme.Orderer;
import io.aralez.acme.RenewalPolicy;
import io.aralez.dataplane.config.MainConfig;
import io.aralez.dataplane.metrics.ProxyMetrics;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the configured names certified out of the cluster: checks every name at start and then
 * every {@code acme_check_interval} (±10%), orders what is due on worker threads (names in
 * parallel, one order per name at a time), writes the pairs for the folder watcher to load, and
 * backs off a failing name without ever touching the certificate it serves.
 */
public final class AcmeManager implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AcmeManager.class);
  private static final int WORKERS = 4;

  private final MainConfig.Acme settings;
  private final ChallengeBook book;
  private final ProxyMetrics metrics;
  private final CertificateFiles files;
  private final DomainList domains;
  private final RenewalPolicy policy;
  private final FailureLog failures =
      new FailureLog(new Backoff(Duration.ofMinutes(1), Duration.ofHours(12)));
  private final Clock clock = Clock.systemUTC();
  private final Map<String, CompletableFuture<String>> inFlight = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer;
  private final ExecutorService workers;
  private final LazyOrderer orderer;

  public AcmeManager(
      MainConfig.Acme settings,
      java.nio.file.Path certificateFolder,
      ChallengeBook book,
      ProxyMetrics metrics) {
    this.settings = settings;
    this.book = book;
    this.metrics = metrics;
    this.files = new CertificateFiles(certificateFolder);
    this.domains = new DomainList(settings.state(), settings.domains());
    this.policy = new RenewalPolicy(settings.renewBefore());
    this.orderer =
        new LazyOrderer(
            settings.directory(),
            settings.caFile(),
            new FileAccountStore(settings.state()),
            settings.email(),
            book);
    this.timer =
        Executors.newSingleThreadScheduledExecutor(LazyOrderer.threads("aralez-acme-timer"));
    this.workers = Executors.newFixedThreadPool(WORKERS, LazyOrderer.threads("aralez-acme"));
  }

  /** Every name kept certified: main.yaml's and those ordered through the admin API. */
  public List<String> names() {
    return domains.all();
  }

  public void start() {
    timer.execute(this::checkAll);
  }

  /** Account creation or login for {@code /acme_create}: the account URL. */
  public CompletableFuture<String> account() {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return orderer.get().login().getAccountLocation().toString();
          } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
          }
        },
        workers);
  }

  /**
   * {@code /acme_order/<name>}: remembers the name and orders it unless its certificate is still
   * fresh. Completes with a sentence for the caller, or exceptionally with the CA's reason.
   */
  public CompletableFuture<String> order(String name) {
    try {
      domains.add(name);
    } catch (java.io.IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    return check(name, true);
  }

  private void checkAll() {
    try {
      for (String name : domains.all()) {
        check(name, false);
      }
    } finally {
      long base = settings.checkInterval().toMillis();
      long jitter = (long) (base * 0.1 * (ThreadLocalRandom.current().nextDouble() * 2 - 1));
      if (!timer.isShutdown()) {
        timer.schedule(this::checkAll, base + jitter, TimeUnit.MILLISECONDS);
      }
    }
  }

  /**
   * @param asked by the admin API: a backing-off name is tried anyway
   */
  private CompletableFuture<String> check(String name, boolean asked) {
    return inFlight.computeIfAbsent(
        name,
        n -> {
          CompletableFuture<String> f =
              CompletableFuture.supplyAsync(() -> renew(n, asked), workers);
          f.whenComplete((r, e) -> inFlight.remove(n));
          return f;
        });
  }

  private String renew(String name, boolean asked) {
    Instant now = clock.instant();
    if (!asked && failures.waiting(name, now)) {
      return "backing off after failures";
    }
    Optional<X509Certificate> current = files.current(name);
    try {
      Orderer o = orderer.get();
      Instant notAfter = current.map(c -> c.getNotAfter().toInstant()).orElse(null);
      Optional<Instant> suggested = current.flatMap(o::suggestedRenewal);
      if (!policy.due(notAfter, suggested, now)) {
        return "the certificate is fresh until "
            + policy.dueAt(notAfter, suggested)
            + ": not renewing";
      }
      LOG.info("ACME: ordering a certificate for {}", name);
      Issued issued = o.order(List.of(name), current.orElse(null));
      files.write(name, issued);
      failures.succeeded(name);
      metrics.acmeOrder("issued");
      LOG.info(
          "ACME: {} certified until {} (serial {})",
          name,
          issued.leaf().getNotAfter().toInstant(),
          issued.leaf().getSerialNumber().toString(16));
      return "issued until " + issued.leaf().getNotAfter().toInstant();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.util.concurrent.CompletionException(e);
    } catch (Exception e) {
      FailureLog.Entry f = failures.failed(name, e, now);
      metrics.acmeOrder("failed");
      LOG.warn(
          "ACME: ordering {} failed ({} in a row), next try after {}{}: {}",
          name,
          f.count(),
          f.retryAt(),
          current.isPresent() ? ", still serving the current certificate" : "",
          e.toString());
      throw new java.util.concurrent.CompletionException(e);
    }
  }

  /** Names backing off after failures, with why: for status. */
  public Map<String, String> failures() {
    Map<String, String> out = new java.util.TreeMap<>();
    failures
        .entries()
        .forEach((n, f) -> out.put(n, f.reason() + " (next try after " + f.retryAt() + ")"));
    return out;
  }

  @Override
  public void close() {
    timer.shutdownNow();
    workers.shutdownNow();
  }
}
