package io.aralez.dataplane.tls;

import io.aralez.dataplane.config.ProxyConfig.TlsCertificate;
import io.aralez.dataplane.source.FolderWatcher;
import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live certificate set: loaded at start, reloaded when the folder changes, swapped atomically.
 * Open connections keep the context they shook hands with; new handshakes see the new set.
 */
public final class CertificateSource implements Mapping<String, SslContext>, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CertificateSource.class);

  private final CertificateLoader loader;
  private final AtomicReference<Certificates> current = new AtomicReference<>(Certificates.EMPTY);
  private FolderWatcher watcher;
  private String fingerprint;
  private Certificates folder = Certificates.EMPTY;
  private List<TlsCertificate> delivered = List.of();
  private java.util.Set<String> clientAuthHosts = java.util.Set.of();

  /** Host names (exact, or "*.suffix") whose handshakes ask for a client certificate. */
  private volatile Map<String, SslContext> clientAuth = Map.of();

  public CertificateSource(CertificateLoader loader) {
    this.loader = loader;
  }

  /** Loads the folder; returns how many pairs loaded. */
  public synchronized int reload() {
    String fp = loader.fingerprint();
    if (fp.equals(fingerprint)) {
      return current.get().loaded().size();
    }
    folder = loader.load();
    fingerprint = fp;
    LOG.info(
        "certificates from {}: {}",
        loader.folder(),
        folder.loaded().stream().map(l -> l.name() + " " + l.names()).toList());
    publish();
    return folder.loaded().size();
  }

  /** Serves these source-delivered certificates (in front of the folder's) from now on. */
  public synchronized void deliver(List<TlsCertificate> certificates) {
    if (certificates.equals(delivered)) {
      return;
    }
    delivered = List.copyOf(certificates);
    publish();
    LOG.info("certificates from the config source: {}", delivered);
  }

  /**
   * Hosts whose routes check client certificates: their handshakes ask for one (optionally, so the
   * route answers a missing or bad one over HTTP), every other host's never do.
   */
  public synchronized void requestClientCertificates(java.util.Set<String> hosts) {
    if (hosts.equals(clientAuthHosts)) {
      return;
    }
    clientAuthHosts = java.util.Set.copyOf(hosts);
    publish();
  }

  private void publish() {
    Certificates certs = delivered.isEmpty() ? folder : loader.merge(folder, delivered);
    Map<String, SslContext> withClientAuth = new java.util.HashMap<>();
    for (String host : clientAuthHosts) {
      // A wildcard host is served by what a name under it selects.
      SslContext base = certs.select(host.startsWith("*.") ? "x" + host.substring(1) : host);
      if (base != null) {
        withClientAuth.put(host, loader.withClientAuth(base));
      }
    }
    clientAuth = Map.copyOf(withClientAuth);
    current.set(certs);
  }

  public void watch(Duration poll) {
    watcher = new FolderWatcher("aralez-cert-watch", List.of(loader.folder()), poll, this::reload);
    watcher.start();
  }

  /** Pairs that failed to load so far. */
  public long failures() {
    return loader.failures();
  }

  public Certificates current() {
    return current.get();
  }

  @Override
  public SslContext map(String sni) {
    Map<String, SslContext> asking = clientAuth;
    if (!asking.isEmpty() && sni != null) {
      String host = sni.toLowerCase(java.util.Locale.ROOT);
      SslContext ctx = asking.get(host);
      int dot = host.indexOf('.');
      if (ctx == null && dot > 0) {
        ctx = asking.get("*" + host.substring(dot));
      }
      if (ctx != null) {
        return ctx;
      }
    }
    return current.get().select(sni);
  }

  @Override
  public void close() {
    if (watcher != null) {
      watcher.close();
    }
  }
}
