package io.aralez.dataplane.tls;

import io.aralez.common.pem.PemFiles;
import io.aralez.dataplane.config.MainConfig.TlsGrade;
import io.aralez.dataplane.config.ProxyConfig.TlsCertificate;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslCachingX509KeyManagerFactory;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.handler.ssl.util.KeyManagerFactoryWrapper;
import io.netty.handler.ssl.util.TrustManagerFactoryWrapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.security.auth.x500.X500Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds {@link Certificates} from a folder of {@code NAME.crt} (full chain) + {@code NAME.key}
 * pairs. A broken pair is reported and skipped; the others still serve. Contexts of pairs whose
 * files did not change are reused across reloads.
 */
public final class CertificateLoader {
  private static final Logger LOG = LoggerFactory.getLogger(CertificateLoader.class);

  private final Path folder;
  private final TlsGrade grade;
  private final String defaultName;
  private final Map<String, SslContext> cache = new HashMap<>();
  private final Map<String, SslContext> deliveredCache = new HashMap<>();
  private final Map<String, Good> lastGood = new HashMap<>();
  private final java.util.concurrent.atomic.AtomicLong failures =
      new java.util.concurrent.atomic.AtomicLong();

  /** A pair that loaded, kept per name so a broken replacement can fall back to it. */
  private record Good(SslContext ctx, Certificates.Loaded loaded) {}

  /**
   * @param defaultName the pair served without SNI or for unknown names; null: first by name
   */
  public CertificateLoader(Path folder, TlsGrade grade, String defaultName) {
    this.folder = folder;
    this.grade = grade;
    this.defaultName = defaultName;
  }

  public Path folder() {
    return folder;
  }

  /** How many pairs (from the folder or a config source) failed to load so far. */
  public long failures() {
    return failures.get();
  }

  /** A fingerprint of the folder's pairs, cheap enough to poll. */
  public String fingerprint() {
    StringBuilder b = new StringBuilder();
    for (Path p : files()) {
      try {
        b.append(p.getFileName())
            .append(':')
            .append(Files.size(p))
            .append(':')
            .append(Files.getLastModifiedTime(p).toMillis())
            .append(';');
      } catch (IOException e) {
        b.append(p.getFileName()).append(":gone;");
      }
    }
    return b.toString();
  }

  public synchronized Certificates load() {
    Map<String, SslContext> exact = new HashMap<>();
    Map<String, SslContext> wildcard = new HashMap<>();
    List<Certificates.Loaded> loaded = new ArrayList<>();
    Map<String, SslContext> byName = new LinkedHashMap<>();
    Map<String, SslContext> nextCache = new HashMap<>();
    Map<String, Good> nextGood = new HashMap<>();
    for (Path crt : files()) {
      String file = crt.getFileName().toString();
      if (!file.endsWith(".crt")) {
        continue;
      }
      String name = file.substring(0, file.length() - 4);
      Path key = crt.resolveSibling(name + ".key");
      Good good;
      try {
        if (!Files.isRegularFile(key)) {
          throw new IOException("no " + name + ".key beside it");
        }
        List<X509Certificate> chain = PemFiles.certificates(crt);
        String hash = hash(crt, key);
        SslContext ctx = cache.get(hash);
        if (ctx == null) {
          PrivateKey pk = PemFiles.privateKey(key);
          // Without this a pair whose key is not the certificate's would load and fail every
          // handshake. (Delivered pairs were checked where their snapshot was translated.)
          if (!PemFiles.keyMatches(chain.get(0).getPublicKey(), pk)) {
            throw new GeneralSecurityException("the private key is not the certificate's");
          }
          ctx = context(pk, chain);
        }
        nextCache.put(hash, ctx);
        List<String> names = names(chain.get(0));
        good =
            new Good(
                ctx,
                new Certificates.Loaded(
                    name,
                    names,
                    chain.get(0).getSerialNumber().toString(16),
                    chain.get(0).getNotAfter().toInstant()));
      } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
        failures.incrementAndGet();
        // A half-written or garbage replacement must not take a working name off the air: the
        // pair that last loaded under this name keeps serving until a valid one replaces it.
        good = lastGood.get(name);
        if (good == null) {
          LOG.error("certificate pair {} is invalid and skipped: {}", name, e.getMessage());
          continue;
        }
        LOG.error(
            "certificate pair {} is invalid ({}); the previous one (serial {}) keeps serving",
            name,
            e.getMessage(),
            good.loaded().serial());
      }
      nextGood.put(name, good);
      register(good.loaded().names(), good.ctx(), exact, wildcard);
      byName.put(name, good.ctx());
      loaded.add(good.loaded());
    }
    lastGood.clear();
    lastGood.putAll(nextGood);
    cache.clear();
    cache.putAll(nextCache);
    SslContext fallback = defaultName != null ? byName.get(defaultName) : null;
    if (fallback == null && !byName.isEmpty()) {
      if (defaultName != null) {
        LOG.warn(
            "default certificate {} is not loaded; using {}",
            defaultName,
            byName.keySet().iterator().next());
      }
      fallback = byName.values().iterator().next();
    }
    return new Certificates(Map.copyOf(exact), Map.copyOf(wildcard), fallback, List.copyOf(loaded));
  }

  /**
   * The folder's set with certificates a config source delivered (the controller's TLS Secrets) in
   * front: theirs win for their server names, the folder's default stays the default (else the
   * first delivered one). A pair that fails here is logged and skipped; the others still serve.
   */
  public synchronized Certificates merge(Certificates folder, List<TlsCertificate> delivered) {
    Map<String, SslContext> exact = new HashMap<>();
    Map<String, SslContext> wildcard = new HashMap<>();
    List<Certificates.Loaded> loaded = new ArrayList<>();
    Map<String, SslContext> nextCache = new HashMap<>();
    SslContext first = null;
    for (TlsCertificate c : delivered) {
      try {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        d.update(c.chainPem().getBytes(StandardCharsets.US_ASCII));
        d.update((byte) 0);
        d.update(c.keyPem().getBytes(StandardCharsets.US_ASCII));
        String hash = HexFormat.of().formatHex(d.digest());
        List<X509Certificate> chain = PemFiles.certificates(c.name(), c.chainPem());
        SslContext ctx = deliveredCache.get(hash);
        if (ctx == null) {
          ctx = context(PemFiles.privateKey(c.name(), c.keyPem()), chain);
        }
        nextCache.put(hash, ctx);
        register(c.serverNames(), ctx, exact, wildcard);
        first = first == null ? ctx : first;
        loaded.add(
            new Certificates.Loaded(
                c.name(),
                c.serverNames(),
                chain.get(0).getSerialNumber().toString(16),
                chain.get(0).getNotAfter().toInstant()));
      } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
        failures.incrementAndGet();
        LOG.error("certificate {} is invalid and skipped: {}", c.name(), e.getMessage());
      }
    }
    deliveredCache.clear();
    deliveredCache.putAll(nextCache);
    folder.exact().forEach(exact::putIfAbsent);
    folder.wildcard().forEach(wildcard::putIfAbsent);
    loaded.addAll(folder.loaded());
    SslContext fallback = folder.fallback() != null ? folder.fallback() : first;
    return new Certificates(Map.copyOf(exact), Map.copyOf(wildcard), fallback, List.copyOf(loaded));
  }

  /** Serves {@code ctx} for these names unless an earlier pair took them. */
  private static void register(
      List<String> names,
      SslContext ctx,
      Map<String, SslContext> exact,
      Map<String, SslContext> wildcard) {
    for (String n : names) {
      if (n.startsWith("*.")) {
        wildcard.putIfAbsent(n.substring(2), ctx);
      } else {
        exact.putIfAbsent(n, ctx);
      }
    }
  }

  private List<Path> files() {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(folder)) {
      return s.filter(
              p -> {
                String n = p.getFileName().toString();
                return (n.endsWith(".crt") || n.endsWith(".key")) && Files.isRegularFile(p);
              })
          .sorted()
          .toList();
    } catch (IOException e) {
      LOG.warn("cannot list {}: {}", folder, e.toString());
      return List.of();
    }
  }

  /** The key and chain behind each context made here, for its client-certificate variant. */
  private final Map<SslContext, Material> materials =
      java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

  private final Map<SslContext, SslContext> clientAuthVariants =
      java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

  private record Material(PrivateKey key, List<X509Certificate> chain) {}

  /**
   * {@code base}'s certificate, asking the client for a certificate (optional: any is taken at the
   * handshake, and each route checks it against its own CAs, so a refusal is an HTTP answer), or
   * {@code base} itself when it was not made here.
   */
  public SslContext withClientAuth(SslContext base) {
    SslContext known = clientAuthVariants.get(base);
    if (known != null) {
      return known;
    }
    Material m = materials.get(base);
    if (m == null) {
      return base;
    }
    try {
      SslContext variant = builder(m.key(), m.chain(), true).build();
      clientAuthVariants.put(base, variant);
      return variant;
    } catch (IOException e) {
      LOG.error("client-certificate variant of a certificate failed: {}", e.getMessage());
      return base;
    }
  }

  private SslContext context(PrivateKey key, List<X509Certificate> chain) throws IOException {
    SslContext ctx = builder(key, chain, false).build();
    materials.put(ctx, new Material(key, List.copyOf(chain)));
    return ctx;
  }

  private SslContextBuilder builder(
      PrivateKey key, List<X509Certificate> chain, boolean clientCertificates) {
    SslProvider provider = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    KeyManagerFactory keys =
        new KeyManagerFactoryWrapper(
            new SingleKeyManager(key, chain.toArray(X509Certificate[]::new)));
    // OpenSSL converts the key and chain to its own form once and keeps them, as it does on the
    // KeyStore path, instead of once per handshake.
    SslContextBuilder b =
        SslContextBuilder.forServer(
            provider == SslProvider.OPENSSL ? new OpenSslCachingX509KeyManagerFactory(keys) : keys);
    if (clientCertificates) {
      b.clientAuth(io.netty.handler.ssl.ClientAuth.OPTIONAL)
          .trustManager(io.netty.handler.ssl.util.InsecureTrustManagerFactory.INSTANCE);
    } else {
      b.trustManager(new TrustManagerFactoryWrapper(NoClientCertificates.INSTANCE));
    }
    return b.sslProvider(provider)
        .protocols(TlsGrades.protocols(grade))
        .ciphers(TlsGrades.ciphers(grade), SupportedCipherSuiteFilter.INSTANCE)
        .applicationProtocolConfig(
            new ApplicationProtocolConfig(
                ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                ApplicationProtocolNames.HTTP_2,
                ApplicationProtocolNames.HTTP_1_1));
  }

  /** DNS subject alternative names, else the CN; lower case. */
  static List<String> names(X509Certificate cert) throws CertificateParsingException {
    List<String> out = new ArrayList<>();
    if (cert.getSubjectAlternativeNames() != null) {
      for (List<?> san : cert.getSubjectAlternativeNames()) {
        if (Integer.valueOf(2).equals(san.get(0))) {
          out.add(san.get(1).toString().toLowerCase(Locale.ROOT));
        }
      }
    }
    if (out.isEmpty()) {
      String dn = cert.getSubjectX500Principal().getName(X500Principal.RFC2253);
      for (String part : dn.split(",")) {
        if (part.startsWith("CN=")) {
          out.add(part.substring(3).toLowerCase(Locale.ROOT));
        }
      }
    }
    return out;
  }

  private static String hash(Path crt, Path key) throws IOException, GeneralSecurityException {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    d.update(Files.readAllBytes(crt));
    d.update((byte) 0);
    d.update(Files.readAllBytes(key));
    return HexFormat.of().formatHex(d.digest());
  }
}
