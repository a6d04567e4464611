package io.aralez.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aralez.dataplane.testing.EchoBackend;
import io.aralez.dataplane.testing.FreePort;
import io.aralez.dataplane.testing.Launcher;
import io.aralez.dataplane.testing.OpenSsl;
import io.aralez.dataplane.testing.ProxyHarness;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults while clients keep sending: a process upgrade with {@code -u}, certificates rotated, a
 * backend going away and coming back. Not one request may fail.
 */
@Tag("catalogue-3")
class FaultsUnderLoadIT {
  @TempDir Path dir;

  /** Clients sending requests back to back until stopped; every failure is kept. */
  static final class Load implements AutoCloseable {
    final AtomicBoolean running = new AtomicBoolean(true);
    final AtomicInteger done = new AtomicInteger();
    final List<String> failures = new CopyOnWriteArrayList<>();
    final List<Thread> threads = new ArrayList<>();

    interface Call {
      void run() throws Exception;
    }

    Load(int clients, Call call) {
      for (int i = 0; i < clients; i++) {
        Thread t =
            new Thread(
                () -> {
                  while (running.get()) {
                    try {
                      call.run();
                      done.incrementAndGet();
                    } catch (Exception e) {
                      failures.add(e.toString());
                    }
                  }
                });
        t.start();
        threads.add(t);
      }
    }

    /** Waits until {@code n} more requests went through (the load is really running). */
    void awaitMore(int n) {
      int target = done.get() + n;
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> done.get() >= target || !failures.isEmpty());
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      for (Thread t : threads) {
        t.join();
      }
    }
  }

  private static void expect200(HttpResponse<String> r) {
    if (r.statusCode() != 200) {
      throw new IllegalStateException("status " + r.statusCode() + ": " + r.body());
    }
  }

  /** F-14: a new process takes the ports with -u, the old one drains; clients see nothing. */
  @Test
  void anUpgradeWithDashULosesNoRequest() throws Exception {
    try (EchoBackend backend = new EchoBackend("b")) {
      int port = FreePort.get();
      Files.writeString(
          dir.resolve("upstreams.yaml"),
          "provider: file\nup.test:\n  paths:\n    \"/\": {servers: [\""
              + backend.address()
              + "\"]}\n");
      Files.writeString(
          dir.resolve("main.yaml"),
          "proxy_address_http: 127.0.0.1:" + port + "\nupstreams_conf: upstreams.yaml\n");
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpRequest get =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/u"))
              .header("Host", "up.test")
              .timeout(Duration.ofSeconds(30))
              .build();
      try (Launcher old = Launcher.start(dir, Map.of(), "-c", "main.yaml")) {
        old.awaitPort(port);
        try (Load load =
            new Load(4, () -> expect200(client.send(get, HttpResponse.BodyHandlers.ofString())))) {
          load.awaitMore(200);
          try (Launcher next = Launcher.start(dir, Map.of(), "-u", "-c", "main.yaml")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> next.output().contains("started"));
            load.awaitMore(200);
            old.signal("TERM");
            assertThat(old.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(old.process().exitValue()).isZero();
            load.awaitMore(200);
            load.close();
            assertThat(load.failures).as("failed requests across the upgrade").isEmpty();
            next.signal("TERM");
            assertThat(next.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
          }
        }
      }
    }
  }

  /** F-16: the certificate is replaced six times while new TLS connections keep arriving. */
  @Test
  void certificateRotationUnderLoadFailsNoHandshake() throws Exception {
    try (EchoBackend backend = new EchoBackend("b");
        ProxyHarness proxy =
            ProxyHarness.startWithTls(
                dir,
                "",
                "provider: file\nrot.test:\n  paths:\n    \"/\": {servers: [\""
                    + backend.address()
                    + "\"]}\n")) {
      Path certs = dir.resolve("certs");
      OpenSsl.selfSigned(certs, "rot", "ec", "rot.test");
      SSLContext trustAll = SSLContext.getInstance("TLS");
      trustAll.init(null, new TrustManager[] {new TlsIT.TrustAll()}, null);
      Set<BigInteger> serials = ConcurrentHashMap.newKeySet();
      try (Load load =
          new Load(2, () -> serials.add(tlsGet(trustAll, proxy.tlsPort(), "rot.test")))) {
        for (int i = 0; i < 6; i++) {
          int before = serials.size();
          OpenSsl.selfSigned(certs, "rot", "ec", "rot.test");
          // The new pair is served once the folder watcher saw it: wait for its serial.
          await()
              .atMost(Duration.ofSeconds(60))
              .until(() -> serials.size() > before || !load.failures.isEmpty());
        }
        load.close();
        assertThat(load.failures).as("failed handshakes or requests").isEmpty();
        assertThat(serials).hasSizeGreaterThanOrEqualTo(6);
      }
    }
  }

  /** One request on a new TLS connection; returns the serial of the certificate served. */
  static BigInteger tlsGet(SSLContext ctx, int port, String host) throws IOException {
    try (SSLSocket s =
        (SSLSocket) ctx.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(30_000);
      var params = s.getSSLParameters();
      params.setServerNames(List.of(new SNIHostName(host)));
      params.setApplicationProtocols(new String[] {"http/1.1"});
      s.setSSLParameters(params);
      s.startHandshake();
      BigInteger serial =
          ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String res = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      if (!res.startsWith("HTTP/1.1 200")) {
        throw new IOException("answer: " + res.lines().findFirst().orElse("(none)"));
      }
      return serial;
    }
  }

  /**
   * F-01 and F-09: one of two backends stops accepting connections and comes back, again and again
   * (the connections it holds keep working, as with a process restarting behind its port). Connect
   * failures are retried on the other backend and passive health takes it out of rotation, so
   * clients never see an error.
   */
  @Test
  void aFlappingBackendCostsNoRequest() throws Exception {
    try (EchoBackend steady = new EchoBackend("steady");
        EchoBackend flappy = new EchoBackend("flappy");
        FlappingPort door = new FlappingPort(flappy.port());
        ProxyHarness proxy =
            ProxyHarness.start(
                dir,
                "hc_interval: 200ms\nhc_timeout: 100ms\nhc_rise: 1\nhc_fall: 1\n",
                "provider: file\nflap.test:\n  paths:\n    \"/\": {servers: [\""
                    + steady.address()
                    + "\", \"127.0.0.1:"
                    + door.port()
                    + "\"]}\n")) {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpRequest get =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + "/f"))
              .header("Host", "flap.test")
              .timeout(Duration.ofSeconds(30))
              .build();
      try (Load load =
          new Load(4, () -> expect200(client.send(get, HttpResponse.BodyHandlers.ofString())))) {
        for (int i = 0; i < 6; i++) {
          load.awaitMore(100);
          door.close();
          load.awaitMore(100);
          door.open();
        }
        load.close();
        assertThat(load.failures).as("failed requests while a backend flapped").isEmpty();
      }
      assertThat(flappy.count()).as("the flapping backend served some of it").isPositive();
    }
  }

  /**
   * A port in front of a backend that can stop accepting connections and start again, while the
   * connections it relays keep going.
   */
  static final class FlappingPort implements AutoCloseable {
    private final int target;
    private final int port;
    private volatile ServerSocket server;
    private final List<Socket> relayed = new CopyOnWriteArrayList<>();

    FlappingPort(int target) throws IOException {
      this.target = target;
      this.port = FreePort.get();
      open();
    }

    int port() {
      return port;
    }

    synchronized void open() throws IOException {
      ServerSocket s = new ServerSocket();
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      server = s;
      Thread t =
          new Thread(
              () -> {
                while (!s.isClosed()) {
                  try {
                    Socket client = s.accept();
                    Socket backend = new Socket(InetAddress.getLoopbackAddress(), target);
                    relayed.add(client);
                    relayed.add(backend);
                    pipe(client, backend);
                    pipe(backend, client);
                  } catch (IOException e) {
                    return;
                  }
                }
              });
      t.setDaemon(true);
      t.start();
    }

    /** Stops accepting: new connections are refused, open ones go on. */
    @Override
    public synchronized void close() throws IOException {
      server.close();
    }

    private static void pipe(Socket from, Socket to) {
      Thread t =
          new Thread(
              () -> {
                try (InputStream in = from.getInputStream()) {
                  in.transferTo(to.getOutputStream());
                } catch (IOException e) {
                  // one side went away
                } finally {
                  try {
                    to.shutdownOutput();
                  } catch (IOException ignored) {
                    // already closed
                  }
                }
              });
      t.setDaemon(true);
      t.start();
    }
  }
}
