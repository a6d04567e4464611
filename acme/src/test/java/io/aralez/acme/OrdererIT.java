package io.aralez.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.aralez.acme.testing.Pebble;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.shredzone.acme4j.exception.AcmeException;

/** The shared orderer against Debian's pebble, with real HTTP-01 validation on loopback. */
@Tag("catalogue-2.12")
class OrdererIT {
  static HttpServer http;
  static Pebble pebble;
  static final Map<String, String> served = new ConcurrentHashMap<>();
  static final List<String> withdrawn = java.util.Collections.synchronizedList(new ArrayList<>());

  /** The in-memory map an HTTP server answers challenges from. */
  static final Challenges CHALLENGES =
      new Challenges() {
        @Override
        public void publish(String token, String keyAuthorization) {
          served.put(token, keyAuthorization);
        }

        @Override
        public void withdraw(String token) {
          served.remove(token);
          withdrawn.add(token);
        }
      };

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    http.createContext(
        "/.well-known/acme-challenge/",
        ex -> {
          String token = ex.getRequestURI().getPath().substring(28);
          String answer = served.get(token);
          byte[] body = (answer == null ? "" : answer).getBytes(StandardCharsets.US_ASCII);
          ex.sendResponseHeaders(answer == null ? 404 : 200, body.length == 0 ? -1 : body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    http.start();
    pebble = new Pebble(dir.resolve("pebble"), http.getAddress().getPort());
  }

  @AfterAll
  static void stop() {
    if (pebble != null) {
      pebble.close();
    }
    if (http != null) {
      http.stop(0);
    }
  }

  static final class MemoryStore implements AccountStore {
    StoredAccount account;
    int saves;

    @Override
    public Optional<StoredAccount> load() {
      return Optional.ofNullable(account);
    }

    @Override
    public void save(StoredAccount a) {
      // Through the file format, as a real store does.
      account = StoredAccount.fromJson(a.toJson());
      saves++;
    }
  }

  Orderer orderer(MemoryStore store) throws Exception {
    return new Orderer(
        AcmeSessions.open(pebble.directory(), pebble.caFile(), Duration.ofSeconds(30)),
        store,
        "ops@example.test",
        CHALLENGES,
        Duration.ofSeconds(60));
  }

  static List<X509Certificate> chain(String pem) throws Exception {
    List<X509Certificate> out = new ArrayList<>();
    for (var c :
        CertificateFactory.getInstance("X.509")
            .generateCertificates(
                new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
      out.add((X509Certificate) c);
    }
    return out;
  }

  @Test
  void ordersACertificateForTwoNamesAndKeepsTheAccount() throws Exception {
    MemoryStore store = new MemoryStore();
    Issued issued = orderer(store).order(List.of("app.example.test", "www.example.test"), null);
    List<X509Certificate> chain = chain(issued.chainPem());
    assertThat(chain).hasSizeGreaterThanOrEqualTo(2);
    assertThat(
            chain.get(0).getSubjectAlternativeNames().stream().map(l -> (Object) l.get(1)).toList())
        .contains("app.example.test", "www.example.test");
    // The chain ends at pebble's issuing root (fetched from pebble itself).
    X509Certificate root = chain(pebble.issuingRoot()).get(0);
    chain.get(chain.size() - 1).verify(root.getPublicKey());
    assertThat(issued.keyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(served).as("tokens withdrawn after the order").isEmpty();

    // A second orderer over the same store logs in to the same account instead of creating one.
    String location = store.account.location();
    orderer(store).order(List.of("app.example.test"), chain.get(0));
    assertThat(store.saves).isEqualTo(1);
    assertThat(store.account.location()).isEqualTo(location);
  }

  @Test
  void concurrentOrdersForDifferentNamesDoNotDisturbEachOther() throws Exception {
    MemoryStore store = new MemoryStore();
    Orderer o = orderer(store);
    o.login();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<Issued>> futures = new ArrayList<>();
      for (String name : List.of("a.example.test", "b.example.test", "c.example.test")) {
        futures.add(pool.submit(() -> o.order(List.of(name), null)));
      }
      for (Future<Issued> f : futures) {
        assertThat(f.get().leaf()).isNotNull();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aNameNobodyAnswersForFailsWithTheCasReason() throws Exception {
    Challenges silent =
        new Challenges() {
          @Override
          public void publish(String token, String keyAuthorization) {}

          @Override
          public void withdraw(String token) {}
        };
    Orderer o =
        new Orderer(
            AcmeSessions.open(pebble.directory(), pebble.caFile(), Duration.ofSeconds(30)),
            new MemoryStore(),
            null,
            silent,
            Duration.ofSeconds(60));
    // A fresh account: no authorization to reuse.
    assertThatThrownBy(() -> o.order(List.of("unanswered.example.test"), null))
        .isInstanceOf(AcmeException.class)
        .hasMessageContaining("unanswered.example.test");
  }

  @Test
  void withoutTheCaFileTheCasTlsIsNotTrusted() throws Exception {
    // The JDK's trust store does not know pebble's listener: no session without the CA file.
    Orderer untrusted =
        new Orderer(
            AcmeSessions.open(pebble.directory(), null, Duration.ofSeconds(10)),
            new MemoryStore(),
            null,
            CHALLENGES,
            Duration.ofSeconds(10));
    assertThatThrownBy(untrusted::login).isInstanceOf(AcmeException.class);
  }
}
