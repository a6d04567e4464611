package io.aralez.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aralez.dataplane.testing.EchoBackend;
import io.aralez.dataplane.testing.FreePort;
import io.aralez.dataplane.testing.Launcher;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real launcher, bin/aralez, as a user runs it. */
class CliIT {
  @TempDir Path dir;

  static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private int writeConfig(String backend, String extraMain) throws IOException {
    int port = FreePort.get();
    Files.writeString(
        dir.resolve("upstreams.yaml"),
        "provider: file\nupstreams:\n  cli.test:\n    paths:\n      \"/\":\n        servers: [\""
            + backend
            + "\"]\n");
    Files.writeString(
        dir.resolve("main.yaml"),
        "proxy_address_http: 127.0.0.1:" + port + "\nupstreams_conf: upstreams.yaml\n" + extraMain);
    return port;
  }

  @Test
  void versionAndUsage() throws Exception {
    Launcher.Result v = Launcher.run(dir, "-v");
    assertThat(v.exit()).isZero();
    assertThat(v.output()).matches("(?s)aralez \\d+\\.\\d+\\.\\d+.*");
    Launcher.Result none = Launcher.run(dir);
    assertThat(none.exit()).isEqualTo(2);
    assertThat(none.output()).contains("Usage: aralez -c");
  }

  /**
   * Every JDK on the machine (Java 17 and, where installed, 25) must run with Netty's Unsafe paths:
   * Netty 4.2 drops them on Java 25+ unless the launcher allows them, which cost HTTP/2 over TLS
   * about two thirds of its throughput (bench/README.md).
   */
  @Test
  void everyInstalledJdkRunsWithNettysUnsafePaths() throws Exception {
    java.util.Set<Path> homes = new java.util.TreeSet<>();
    homes.add(Path.of(System.getProperty("java.home")).toRealPath());
    Path jvms = Path.of("/usr/lib/jvm");
    if (Files.isDirectory(jvms)) {
      try (var all = Files.list(jvms)) {
        for (Path home : (Iterable<Path>) all::iterator) {
          if (Files.isExecutable(home.resolve("bin/java")) && featureVersion(home) >= 17) {
            homes.add(home.toRealPath());
          }
        }
      }
    }
    for (Path home : homes) {
      try (Launcher l = Launcher.start(dir, Map.of("JAVA_HOME", home.toString()), "-v")) {
        assertThat(l.process().waitFor(120, TimeUnit.SECONDS)).as(home.toString()).isTrue();
        assertThat(l.process().exitValue()).as(home.toString()).isZero();
        assertThat(l.output())
            .as("aralez -v with JAVA_HOME=" + home)
            .contains("netty unsafe: yes", "tls: BoringSSL")
            .doesNotContain("WARNING");
      }
    }
  }

  /** The JDK's feature version from its {@code release} file, 0 when it has none. */
  private static int featureVersion(Path home) throws IOException {
    Path release = home.resolve("release");
    if (!Files.isRegularFile(release)) {
      return 0;
    }
    var m =
        java.util.regex.Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)")
            .matcher(Files.readString(release));
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  @Test
  void testModeAcceptsAValidConfig() throws Exception {
    writeConfig("127.0.0.1:9", "unknown_key: 1\n");
    Launcher.Result r = Launcher.run(dir, "-t", "-c", "main.yaml");
    assertThat(r.exit()).isZero();
    assertThat(r.output()).contains("are valid").contains("main.yaml:3: unknown_key: unknown key");
  }

  @Test
  void testModeNamesFileLineAndKeyOfEveryError() throws Exception {
    Files.writeString(dir.resolve("upstreams.yaml"), "provider: file\n");
    Files.writeString(
        dir.resolve("main.yaml"),
        "upstreams_conf: upstreams.yaml\nproxy_address_http: 0.0.0.0:99999\nthreads: many\ndaemon: perhaps\n");
    Launcher.Result r = Launcher.run(dir, "-t", "-c", "main.yaml");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.output())
        .contains("main.yaml:2: proxy_address_http: port 99999 is out of range")
        .contains("main.yaml:3: threads: expected a whole number, got 'many'")
        .contains("main.yaml:4: daemon: expected true or false, got 'perhaps'");

    writeConfig("127.0.0.1:9", "");
    Files.writeString(
        dir.resolve("upstreams.yaml"),
        "provider: file\nupstreams:\n  bad.test:\n    paths:\n      \"/\":\n        servers: [\"nope\"]\n");
    Launcher.Result u = Launcher.run(dir, "-t", "-c", "main.yaml");
    assertThat(u.exit()).isEqualTo(1);
    assertThat(u.output())
        .contains("upstreams.yaml:6: upstreams.bad.test.paths./.servers: 'nope' is not host:port");
  }

  @Test
  void testModeChecksTheControllerSettingsOfProviderKubernetes() throws Exception {
    writeConfig("127.0.0.1:9", "");
    Files.writeString(
        dir.resolve("upstreams.yaml"),
        "provider: kubernetes\nkubernetes:\n  controller: nohost\n  tokenpath: missing-token\n");
    Launcher.Result bad = Launcher.run(dir, "-t", "-c", "main.yaml");
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.output())
        .contains("upstreams.yaml:3: kubernetes.controller: 'nohost' is not host:port")
        .contains("upstreams.yaml:4: kubernetes.tokenpath: cannot read");
    Files.writeString(dir.resolve("token"), "t0ken\n");
    Files.writeString(
        dir.resolve("upstreams.yaml"),
        "provider: kubernetes\nkubernetes:\n  controller: 127.0.0.1:18000\n  tokenpath: token\n");
    Launcher.Result ok = Launcher.run(dir, "-t", "-c", "main.yaml");
    assertThat(ok.exit()).isZero();
    assertThat(ok.output()).contains("are valid");
  }

  @Test
  @Tag("catalogue-2.13")
  void sighupReappliesAnUnchangedFileOverAConfigPush() throws Exception {
    try (EchoBackend fromFile = new EchoBackend("file");
        EchoBackend pushed = new EchoBackend("pushed")) {
      int admin = FreePort.get();
      int port =
          writeConfig(
              fromFile.address(),
              "config_address: 127.0.0.1:"
                  + admin
                  + "\nconfig_api_enabled: true\nmaster_key: sighup-master-key-1\n");
      try (Launcher aralez = Launcher.start(dir, Map.of(), "-c", "main.yaml")) {
        aralez.awaitPort(port);
        aralez.awaitPort(admin);
        assertThat(cliGet(port).body()).contains("backend=file");
        HttpResponse<String> push =
            CLIENT.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/conf"))
                    .header("X-Aralez-Key", "sighup-master-key-1")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "provider: file\ncli.test:\n  paths:\n    \"/\":\n      servers: [\""
                                + pushed.address()
                                + "\"]\n"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(push.statusCode()).as(push.body()).isEqualTo(200);
        assertThat(cliGet(port).body()).contains("backend=pushed");
        // The file did not change; SIGHUP still puts it back.
        aralez.signal("HUP");
        await()
            .atMost(Duration.ofSeconds(20))
            .untilAsserted(() -> assertThat(cliGet(port).body()).contains("backend=file"));
      }
    }
  }

  private static HttpResponse<String> cliGet(int port) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
            .header("Host", "cli.test")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * The launcher's JVM starts collecting for class metadata only past 64 MiB: at the JVM's default
   * (~21 MiB) the data plane's ~27 MiB of classes cost a full collection of 30-80 ms in the first
   * seconds of traffic (bench/README.md, eighteenth session). Read from the running JVM itself.
   */
  @Test
  void theLaunchersJvmDoesNotStopTheWorldForClassMetadataGrowth() throws Exception {
    try (EchoBackend backend = new EchoBackend("b")) {
      int port = writeConfig(backend.address(), "");
      try (Launcher aralez = Launcher.start(dir, Map.of(), "-c", "main.yaml")) {
        aralez.awaitPort(port);
        Path java = Path.of(aralez.process().info().command().orElseThrow());
        Process jcmd =
            new ProcessBuilder(
                    java.resolveSibling("jcmd").toString(),
                    Long.toString(aralez.process().pid()),
                    "VM.flags")
                .redirectErrorStream(true)
                .start();
        String flags = new String(jcmd.getInputStream().readAllBytes());
        assertThat(jcmd.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(flags).contains("-XX:MetaspaceSize=67108864");
      }
    }
  }

  @Test
  @Tag("catalogue-3")
  void sigtermFinishesInFlightRequestsRemovesPidFileAndExitsZero() throws Exception {
    try (EchoBackend backend = new EchoBackend("b")) {
      int port =
          writeConfig(
              backend.address(),
              "pid_file: run/aralez.pid\ngraceful_shutdown_timeout_seconds: 20\n");
      try (Launcher aralez = Launcher.start(dir, Map.of(), "-c", "main.yaml")) {
        aralez.awaitPort(port);
        Path pid = dir.resolve("run/aralez.pid");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(pid));
        assertThat(Files.readString(pid).trim()).isEqualTo(Long.toString(aralez.process().pid()));

        CompletableFuture<HttpResponse<String>> slow =
            CLIENT.sendAsync(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/sleep/2000"))
                    .header("Host", "cli.test")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(10)).until(() -> backend.count() == 1);
        aralez.signal("TERM");
        HttpResponse<String> r = slow.get(20, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("connection")).hasValue("close");
        assertThat(aralez.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(aralez.process().exitValue()).isZero();
        assertThat(pid).doesNotExist();
      }
    }
  }

  @Test
  void aSecondInstanceOnTheSamePortIsRefusedUnlessUpgrading() throws Exception {
    try (EchoBackend backend = new EchoBackend("b")) {
      int port = writeConfig(backend.address(), "");
      try (Launcher first = Launcher.start(dir, Map.of(), "-c", "main.yaml")) {
        first.awaitPort(port);
        Launcher.Result second = Launcher.run(dir, "-c", "main.yaml");
        assertThat(second.exit()).isEqualTo(1);
        assertThat(second.output()).contains("already in use");

        try (Launcher upgrade = Launcher.start(dir, Map.of(), "-u", "-c", "main.yaml")) {
          await().atMost(Duration.ofSeconds(60)).until(() -> upgrade.output().contains("started"));
          first.signal("TERM");
          assertThat(first.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
          HttpResponse<String> r =
              CLIENT.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/after"))
                      .header("Host", "cli.test")
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          assertThat(r.statusCode()).isEqualTo(200);
          upgrade.signal("TERM");
          assertThat(upgrade.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
      }
    }
  }

  @Test
  void daemonModeDetachesAndLogsToTheLogFile() throws Exception {
    try (EchoBackend backend = new EchoBackend("b")) {
      int port =
          writeConfig(
              backend.address(),
              "daemon: true\npid_file: aralez.pid\nlog_file: logs/aralez.log\nlog_level: info\n");
      Launcher.Result r = Launcher.run(dir, "-c", "main.yaml");
      assertThat(r.exit()).as(r.output()).isZero();
      Path pidFile = dir.resolve("aralez.pid");
      await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(pidFile));
      long pid = Long.parseLong(Files.readString(pidFile).trim());
      try {
        HttpResponse<String> res =
            CLIENT.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/d"))
                    .header("Host", "cli.test")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(Files.readString(dir.resolve("logs/aralez.log"))).contains("started");
      } finally {
        new ProcessBuilder("kill", "-TERM", Long.toString(pid)).start().waitFor();
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(pid).isEmpty());
      assertThat(pidFile).doesNotExist();
    }
  }

  /**
   * runuser/rungroup: started as root, the JVM runs as that user from the start and can still bind
   * a port below 1024. Started as anyone else there are no privileges to drop: it runs as that
   * user.
   */
  @Test
  void runsAsTheConfiguredUser() throws Exception {
    boolean root = "root".equals(System.getProperty("user.name"));
    int port = root ? lowFreePort() : FreePort.get();
    Files.writeString(
        dir.resolve("upstreams.yaml"),
        "provider: file\nupstreams:\n  cli.test:\n    paths:\n      \"/\":\n        servers: [\"127.0.0.1:9\"]\n");
    Files.writeString(
        dir.resolve("main.yaml"),
        "proxy_address_http: 127.0.0.1:"
            + port
            + "\nupstreams_conf: upstreams.yaml\nrunuser: nobody\nrungroup: nogroup\n");
    // The unprivileged user must be able to read its config.
    Files.setPosixFilePermissions(
        dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    // An installed copy, readable by everyone: the clone itself may sit in a private folder.
    Path app = Launcher.install(dir.resolve("app"));
    try (Launcher aralez = Launcher.startFrom(app, dir, Map.of(), "-c", "main.yaml")) {
      aralez.awaitPort(port);
      String status = Files.readString(Path.of("/proc/" + aralez.process().pid() + "/status"));
      String uid = status.lines().filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow();
      long expected = root ? 65534 : new com.sun.security.auth.module.UnixSystem().getUid();
      assertThat(uid.split("\\s+")[1]).isEqualTo(Long.toString(expected));
      aralez.signal("TERM");
      assertThat(aralez.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  private static int lowFreePort() {
    for (int p = 980; p > 900; p--) {
      try (java.net.ServerSocket s = new java.net.ServerSocket()) {
        s.bind(new java.net.InetSocketAddress("127.0.0.1", p));
        return p;
      } catch (IOException e) {
        // taken, try the next one
      }
    }
    throw new IllegalStateException("no free port below 1024");
  }

  @Test
  @Tag("catalogue-2.15")
  void accessLogHasOneLinePerRequestAndNoSecrets() throws Exception {
    try (EchoBackend backend = new EchoBackend("b")) {
      int port = writeConfig(backend.address(), "access_log: all\nlog_file: aralez.log\n");
      try (Launcher aralez = Launcher.start(dir, Map.of(), "-c", "main.yaml")) {
        aralez.awaitPort(port);
        List<Integer> sizes = new java.util.ArrayList<>();
        for (String path :
            List.of("/one?araleztoken=SECRET1&x=1", "/status/404", "/two?key=SECRET2")) {
          sizes.add(
              CLIENT
                  .send(
                      HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                          .header("Host", "cli.test")
                          .build(),
                      HttpResponse.BodyHandlers.ofByteArray())
                  .body()
                  .length);
        }
        CLIENT.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .header("Host", "unknown.test")
                .build(),
            HttpResponse.BodyHandlers.ofString());
        Path log = dir.resolve("aralez.log");
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    Files.readString(log).lines().filter(l -> l.contains("client=")).count() == 4);
        String text = Files.readString(log);
        assertThat(text)
            // Every body byte, the last part included; the host asked for and the route key.
            .contains(
                "host=cli.test route=cli.test \"GET /one?x=1\" 200 bytes=" + sizes.get(0) + " ")
            .contains("\"GET /status/404\" 404")
            .contains("\"GET /two\" 200 bytes=" + sizes.get(2) + " ")
            .contains("host=unknown.test route=none \"GET /\" 404 bytes=14")
            .contains("upstream=" + backend.address())
            .doesNotContain("SECRET1")
            .doesNotContain("SECRET2");
        aralez.signal("TERM");
        assertThat(aralez.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
    }
  }

  /** 256 MiB each way through a proxy whose heap is capped at 128 MiB. */
  @Test
  @Tag("catalogue-2.6")
  void streamsLargeBodiesWithBoundedMemory() throws Exception {
    long size = 256L * 1024 * 1024;
    try (EchoBackend backend = new EchoBackend("b")) {
      int port = writeConfig(backend.address(), "threads: 1\n");
      Map<String, String> env =
          Map.of(
              "ARALEZ_JAVA_OPTS",
              "-Xmx128m -XX:MaxDirectMemorySize=64m -XX:+ExitOnOutOfMemoryError");
      try (Launcher aralez = Launcher.start(dir, env, "-c", "main.yaml")) {
        aralez.awaitPort(port);
        HttpResponse<String> up =
            CLIENT.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/upload"))
                    .header("Host", "cli.test")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new Zeros(size)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(up.statusCode()).isEqualTo(200);
        assertThat(up.body()).contains("body=" + size);

        HttpResponse<InputStream> down =
            CLIENT.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/big/" + size))
                    .header("Host", "cli.test")
                    .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        long got = 0;
        try (InputStream in = down.body()) {
          byte[] buf = new byte[1 << 16];
          int n;
          while ((n = in.read(buf)) > 0) {
            got += n;
          }
        }
        assertThat(got).isEqualTo(size);
        assertThat(aralez.process().isAlive()).isTrue();
      }
    }
  }

  /** An endless-looking source of zero bytes that never holds them all in memory. */
  static final class Zeros extends InputStream {
    private long left;

    Zeros(long size) {
      left = size;
    }

    @Override
    public int read() {
      if (left <= 0) {
        return -1;
      }
      left--;
      return 0;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (left <= 0) {
        return -1;
      }
      int n = (int) Math.min(len, left);
      java.util.Arrays.fill(b, off, off + n, (byte) 0);
      left -= n;
      return n;
    }
  }
}
