package io.aralez.dataplane;

import io.aralez.dataplane.admin.AdminContext;
import io.aralez.dataplane.admin.AdminServer;
import io.aralez.dataplane.config.ConfigException;
import io.aralez.dataplane.config.MainConfig;
import io.aralez.dataplane.config.yaml.Problems;
import io.aralez.dataplane.fileserver.FileServer;
import io.aralez.dataplane.net.NativeSupport;
import io.aralez.dataplane.net.Transport;
import io.aralez.dataplane.process.PidFile;
import io.aralez.dataplane.routing.StickyIds;
import io.aralez.dataplane.runtime.Candidate;
import io.aralez.dataplane.runtime.ConfigHolder;
import io.aralez.dataplane.runtime.ConfigIntake;
import io.aralez.dataplane.server.ProxyServer;
import io.aralez.dataplane.source.ConfigSource;
import io.aralez.dataplane.source.ProviderSettings;
import io.aralez.dataplane.source.api.ApiPushSource;
import io.aralez.dataplane.source.consul.ConsulDiscovery;
import io.aralez.dataplane.source.consul.ConsulSettings;
import io.aralez.dataplane.source.controller.ControllerSettings;
import io.aralez.dataplane.source.controller.ControllerSource;
import io.aralez.dataplane.source.discovery.DiscoveryHealth;
import io.aralez.dataplane.source.discovery.DiscoverySource;
import io.aralez.dataplane.source.file.UpstreamsFileSource;
import io.aralez.dataplane.source.kubernetes.KubernetesDiscovery;
import io.aralez.dataplane.source.kubernetes.KubernetesDiscoverySettings;
import io.aralez.dataplane.tls.CertificateLoader;
import io.aralez.dataplane.tls.CertificateSource;
import io.aralez.dataplane.tls.ClientAuthHosts;
import io.aralez.dataplane.upstream.HealthChecker;
import io.aralez.dataplane.upstream.UpstreamConnector;
import io.aralez.dataplane.upstream.UpstreamTls;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running data plane outside a cluster: config source, proxy listeners, file server. */
public final class Dataplane {
  private static final Logger LOG = LoggerFactory.getLogger(Dataplane.class);
  private static final Duration POLL_INTERVAL = Duration.ofSeconds(2);

  private final MainConfig config;
  private final ConfigHolder holder;
  private final io.aralez.dataplane.metrics.ProxyMetrics metrics =
      new io.aralez.dataplane.metrics.ProxyMetrics();
  private UpstreamConnector connector;
  private HealthChecker health;
  private final ConfigIntake intake;
  private ConfigSource source;
  private ApiPushSource push;
  private DiscoveryHealth discoveryHealth;
  private ProxyServer proxy;
  private FileServer fileServer;
  private AdminServer admin;
  private CertificateSource certificates;
  private final io.aralez.dataplane.acme.ChallengeBook challenges =
      new io.aralez.dataplane.acme.ChallengeBook();
  private io.aralez.dataplane.acme.AcmeManager acme;
  private io.aralez.dataplane.logging.AccessLog accessLog;
  private PidFile pidFile;

  public Dataplane(MainConfig config) {
    this.config = config;
    this.holder =
        new ConfigHolder(
            config.masterKey() == null
                ? StickyIds.DEFAULT_KEY
                : config.masterKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    this.intake = new ConfigIntake(holder);
  }

  /** Loads the config and binds every listener; throws when the process cannot serve. */
  public void start(boolean takeOver) throws ConfigException, IOException, InterruptedException {
    Transport transport = Transport.detect();
    ProviderSettings provider =
        UpstreamsFileSource.load(config.upstreamsConf(), new Problems()).provider();
    Candidate.Kind mode = provider.kind();
    source = source(provider);
    if (mode != Candidate.Kind.CONTROLLER) {
      // Outside a cluster the routes are there before the proxy listens; a bad file stops here.
      source.start(intake);
    }
    if (config.fileServerEnabled()) {
      fileServer =
          FileServer.start(
              transport, config.fileServerAddress(), config.fileServerFolder(), takeOver);
    }
    connector =
        new UpstreamConnector(
            transport, new UpstreamTls(config.upstreamTlsVerify(), config.caFile()));
    health =
        new HealthChecker(
            holder.backends(),
            connector,
            transport,
            new HealthChecker.Settings(
                config.hcMethod(),
                config.hcInterval(),
                config.hcTimeout(),
                config.hcRise(),
                config.hcFall()));
    holder.addListener(c -> health.kick());
    health.start();
    if (config.proxyCertificates() != null && mode != Candidate.Kind.CONTROLLER) {
      // Out of the cluster this process orders its own certificates (in a cluster the
      // controller does, and its tokens come with the snapshots).
      acme =
          new io.aralez.dataplane.acme.AcmeManager(
              config.acme(), config.proxyCertificates(), challenges, metrics);
    }
    if (config.configAddress() != null) {
      boolean pushable = mode == Candidate.Kind.FILE;
      if (pushable) {
        push = new ApiPushSource(config.upstreamsConf());
        push.start(intake);
      }
      admin =
          AdminServer.start(
              transport,
              new AdminContext(
                  config,
                  intake,
                  metrics,
                  mode,
                  push,
                  pushable ? null : pushRefusal(mode),
                  discoveryHealth,
                  acme,
                  challenges),
              takeOver);
    }
    if (config.proxyAddressTls() != null) {
      certificates =
          new CertificateSource(
              new CertificateLoader(
                  config.proxyCertificates(), config.proxyTlsGrade(), config.defaultCertificate()));
      if (certificates.reload() == 0
          && mode != Candidate.Kind.CONTROLLER
          && (acme == null || acme.names().isEmpty())) {
        throw new ConfigException(
            config.file().toString(),
            "proxy_address_tls is set but "
                + config.proxyCertificates()
                + " holds no valid NAME.crt + NAME.key pair (or list acme_domains to order them)");
      }
      certificates.watch(POLL_INTERVAL);
      if (mode == Candidate.Kind.CONTROLLER) {
        // In a cluster the certificates come with the snapshots (TLS Secrets); the folder, if
        // any, holds the default one.
        CertificateSource certs = certificates;
        holder.addListener(
            c -> {
              certs.deliver(c.config().certificates());
              certs.requestClientCertificates(ClientAuthHosts.of(c.config()));
            });
      }
    }
    if (certificates != null) {
      CertificateSource certs = certificates;
      metrics.certificates(() -> certs.current().loaded());
      metrics.certificateFailures(certs::failures);
    }
    metrics.bind(intake, EnumSet.of(mode, Candidate.Kind.API, Candidate.Kind.FILE));
    if (discoveryHealth != null) {
      metrics.discovery(discoveryHealth);
    }
    accessLog = new io.aralez.dataplane.logging.AccessLog(config.accessLog());
    metrics.accessLogDrops(accessLog::dropped);
    proxy =
        new ProxyServer(
            config, holder, transport, connector, metrics, accessLog, challenges, takeOver);
    proxy.start(certificates);
    if (acme != null) {
      acme.start();
    }
    if (mode == Candidate.Kind.CONTROLLER) {
      // In a cluster the proxy listens at once (404 and not ready) until the first snapshot.
      source.start(intake);
    }
    if (config.pidFile() != null) {
      pidFile = PidFile.write(config.pidFile());
    }
    NativeSupport runtime = NativeSupport.detect();
    LOG.info(
        "aralez {} started (pid {}; {})",
        Version.get(),
        ProcessHandle.current().pid(),
        runtime.describe(transport.name()));
    String degraded = runtime.degradedWarning();
    if (degraded != null) {
      LOG.warn(degraded);
    }
  }

  /** The source of routes {@code provider:} names. */
  private ConfigSource source(ProviderSettings provider) {
    Path file = config.upstreamsConf();
    Candidate.Kind kind = provider.kind();
    if (kind == Candidate.Kind.CONTROLLER) {
      return new ControllerSource((ControllerSettings) provider);
    }
    if (kind == Candidate.Kind.FILE) {
      return new UpstreamsFileSource(file, POLL_INTERVAL, null);
    }
    DiscoveryHealth h = discoveryHealth = new DiscoveryHealth(kind.label());
    return new DiscoverySource(
        kind,
        file,
        POLL_INTERVAL,
        s ->
            s instanceof ConsulSettings c
                ? new ConsulDiscovery(c, h)
                : new KubernetesDiscovery((KubernetesDiscoverySettings) s, h));
  }

  private static String pushRefusal(Candidate.Kind mode) {
    return mode == Candidate.Kind.CONTROLLER
        ? "the config comes from the controller (provider: kubernetes); change the cluster instead"
        : "the routes come from "
            + mode.label()
            + " discovery; edit upstreams.yaml instead (it is watched)";
  }

  /** Re-reads upstreams.yaml now (SIGHUP). */
  public void reload() {
    if (source != null) {
      source.reload();
    }
  }

  /**
   * Graceful stop: keep serving for the grace period (so load balancers notice), stop accepting,
   * let in-flight requests finish up to the shutdown timeout.
   */
  public void stop() {
    LOG.info("shutting down");
    Duration grace = config.timeouts().gracePeriod();
    if (!grace.isZero()) {
      try {
        Thread.sleep(grace.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (proxy != null) {
      proxy.shutdown(config.timeouts().gracefulShutdown());
    }
    if (fileServer != null) {
      fileServer.stop();
    }
    if (acme != null) {
      acme.close();
    }
    if (admin != null) {
      admin.stop();
    }
    if (health != null) {
      health.close();
    }
    if (connector != null) {
      connector.close();
    }
    if (source != null) {
      source.close();
    }
    if (certificates != null) {
      certificates.close();
    }
    if (accessLog != null) {
      accessLog.close();
    }
    if (pidFile != null) {
      pidFile.remove();
    }
    LOG.info("stopped");
  }

  public ConfigHolder holder() {
    return holder;
  }

  public io.aralez.dataplane.metrics.ProxyMetrics metrics() {
    return metrics;
  }

  public ConfigIntake intake() {
    return intake;
  }

  public AdminServer admin() {
    return admin;
  }

  public ProxyServer proxy() {
    return proxy;
  }
}
