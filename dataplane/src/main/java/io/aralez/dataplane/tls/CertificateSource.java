package io.aralez.dataplane.tls;

import io.aralez.dataplane.source.FolderWatcher;
import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;
import java.time.Duration;
import java.util.List;
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

  public CertificateSource(CertificateLoader loader) {
    this.loader = loader;
  }

  /** Loads the folder; returns how many pairs loaded. */
  public synchronized int reload() {
    String fp = loader.fingerprint();
    if (fp.equals(fingerprint)) {
      return current.get().loaded().size();
    }
    Certificates next = loader.load();
    current.set(next);
    fingerprint = fp;
    LOG.info(
        "certificates from {}: {}",
        loader.folder(),
        next.loaded().stream().map(l -> l.name() + " " + l.names()).toList());
    return next.loaded().size();
  }

  public void watch(Duration poll) {
    watcher = new FolderWatcher("aralez-cert-watch", List.of(loader.folder()), poll, this::reload);
    watcher.start();
  }

  public Certificates current() {
    return current.get();
  }

  @Override
  public SslContext map(String sni) {
    return current.get().select(sni);
  }

  @Override
  public void close() {
    if (watcher != null) {
      watcher.close();
    }
  }
}
