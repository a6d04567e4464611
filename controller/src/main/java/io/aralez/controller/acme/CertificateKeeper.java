package io.aralez.controller.acme;

import io.aralez.acme.Backoff;
import io.aralez.acme.FailureLog;
import io.aralez.acme.Issued;
import io.aralez.acme.LazyOrderer;
import io.aralez.acme.Orderer;
import io.aralez.acme.RenewalPolicy;
import io.aralez.controller.snapshot.AcmeTargets.Target;
import io.aralez.controller.snapshot.ObjectRef;
import io.aralez.controller.status.EventSink;
import io.aralez.controller.status.StatusWriter.CertificateReport;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the Secrets served objects ask for certified, on the leader only: after each build and
 * every check interval it looks at each target's Secret and orders when there is none, when the
 * names changed, or when the certificate is due. A Secret the controller did not make is never
 * overwritten (a Warning Event says so). Orders run on worker threads, names in parallel, one order
 * per Secret at a time; a failing Secret backs off and keeps what it has.
 */
public final class CertificateKeeper implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CertificateKeeper.class);

  /** What the keeper is told at start. */
  public record Settings(
      java.net.URI directory,
      String email,
      java.nio.file.Path caFile,
      Duration renewBefore,
      Duration checkInterval,
      String namespace) {}

  private final Settings settings;
  private final CertificateSecrets secrets;
  private final EventSink events;
  private final ChallengeBoard board;
  private final SecretAccountStore accounts;
  private final BooleanSupplier leader;
  private final Supplier<List<Target>> targets;
  private final RenewalPolicy policy;
  private final FailureLog failures =
      new FailureLog(new Backoff(Duration.ofMinutes(1), Duration.ofHours(12)));
  private final Map<String, Boolean> inFlight = new ConcurrentHashMap<>();
  private final Map<ObjectRef, CertificateReport> reports = new ConcurrentHashMap<>();
  private final Map<String, String> warned = new ConcurrentHashMap<>();
  private final AtomicBoolean checkQueued = new AtomicBoolean();
  private final ScheduledExecutorService timer;
  private final ExecutorService workers;
  private final Counter issued;
  private final Counter failed;
  private final LazyOrderer orderer;

  public CertificateKeeper(
      KubernetesClient client,
      Settings settings,
      ChallengeBoard board,
      EventSink events,
      BooleanSupplier leader,
      Supplier<List<Target>> targets,
      MeterRegistry registry) {
    this.settings = settings;
    this.secrets = new CertificateSecrets(client);
    this.events = events;
    this.board = board;
    this.accounts =
        new SecretAccountStore(client, settings.namespace(), settings.directory().toString());
    this.leader = leader;
    this.targets = targets;
    this.policy = new RenewalPolicy(settings.renewBefore());
    this.orderer =
        new LazyOrderer(settings.directory(), settings.caFile(), accounts, settings.email(), board);
    this.timer =
        Executors.newSingleThreadScheduledExecutor(LazyOrderer.threads("aralez-acme-timer"));
    this.workers = Executors.newFixedThreadPool(4, LazyOrderer.threads("aralez-acme"));
    this.issued =
        Counter.builder("aralez.controller.acme.orders").tag("result", "issued").register(registry);
    this.failed =
        Counter.builder("aralez.controller.acme.orders").tag("result", "failed").register(registry);
  }

  /** Shares the leader's challenge tokens with the other replicas (leader election on). */
  public static AutoCloseable share(
      KubernetesClient client, String namespace, ChallengeBoard board) {
    return new SharedChallenges(client, namespace, board);
  }

  public void start() {
    long every = settings.checkInterval().toMillis();
    timer.scheduleWithFixedDelay(this::checkAll, every, every, TimeUnit.MILLISECONDS);
  }

  /** A build changed what is served: check soon (coalesced). */
  public void kick() {
    if (checkQueued.compareAndSet(false, true)) {
      timer.execute(
          () -> {
            checkQueued.set(false);
            checkAll();
          });
    }
  }

  /** For AralezRoutes' CertificateReady: null for objects that ask for no certificate. */
  public CertificateReport report(ObjectRef ref) {
    return reports.get(ref);
  }

  private void checkAll() {
    if (!leader.getAsBoolean()) {
      return;
    }
    List<Target> now = targets.get();
    reports.keySet().retainAll(now.stream().flatMap(t -> t.owners().stream()).toList());
    for (Target t : now) {
      if (inFlight.putIfAbsent(t.key(), Boolean.TRUE) == null) {
        workers.execute(
            () -> {
              try {
                check(t);
              } catch (RuntimeException e) {
                LOG.warn("ACME: checking {} failed: {}", t.key(), e.toString());
              } finally {
                inFlight.remove(t.key());
              }
            });
      }
    }
  }

  private void check(Target t) {
    Instant now = Instant.now();
    CertificateSecrets.Current current = secrets.read(t.namespace(), t.secretName());
    if (current.exists() && !current.ours()) {
      String msg =
          "Secret "
              + t.key()
              + " exists and was not created by aralez-controller: not overwriting it with an"
              + " ACME certificate";
      report(t, false, "SecretNotManaged", msg);
      String rv = current.secret().getMetadata().getResourceVersion();
      if (!rv.equals(warned.put(t.key(), rv))) {
        t.owners().forEach(o -> events.emit(o, true, "SecretNotManaged", msg));
      }
      return;
    }
    if (failures.waiting(t.key(), now)) {
      return;
    }
    Instant notAfter = current.leaf() == null ? null : current.leaf().getNotAfter().toInstant();
    boolean sameHosts = current.hosts().equals(t.hosts());
    try {
      Orderer o = orderer.get();
      Optional<Instant> suggested =
          current.leaf() == null ? Optional.empty() : o.suggestedRenewal(current.leaf());
      if (sameHosts && !policy.due(notAfter, suggested, now)) {
        report(t, true, "Issued", "valid until " + notAfter);
        return;
      }
      LOG.info("ACME: ordering {} for {}", t.hosts(), t.key());
      Issued cert = o.order(t.hosts(), sameHosts ? current.leaf() : null);
      secrets.write(t.namespace(), t.secretName(), t.hosts(), cert, current);
      failures.succeeded(t.key());
      issued.increment();
      Instant until = cert.leaf().getNotAfter().toInstant();
      String what = current.leaf() == null ? "CertificateIssued" : "CertificateRenewed";
      String msg =
          "certificate for "
              + String.join(", ", t.hosts())
              + " stored in Secret "
              + t.key()
              + ", valid until "
              + until;
      LOG.info("ACME: {}", msg);
      t.owners().forEach(owner -> events.emit(owner, false, what, msg));
      report(t, true, "Issued", "valid until " + until);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      Instant retryAt = failures.failed(t.key(), e, now).retryAt();
      failed.increment();
      String msg =
          "ordering a certificate for "
              + String.join(", ", t.hosts())
              + " failed: "
              + e.getMessage()
              + " (next try after "
              + retryAt
              + ")";
      LOG.warn("ACME: {}: {}", t.key(), msg);
      t.owners().forEach(owner -> events.emit(owner, true, "CertificateFailed", msg));
      report(t, current.leaf() != null && notAfter.isAfter(now), "Failed", msg);
    }
  }

  private void report(Target t, boolean ready, String reason, String message) {
    for (ObjectRef o : t.owners()) {
      reports.put(o, new CertificateReport(ready, reason, message));
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    workers.shutdownNow();
  }
}
