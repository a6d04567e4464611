package io.aralez.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.aralez.dataplane.testing.EchoBackend;
import io.aralez.dataplane.testing.FreePort;
import io.aralez.dataplane.testing.Launcher;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/aralez's choice of JVM (the newest installed JDK unless JAVA_HOME says otherwise) and its
 * ahead-of-time cache (Java 25+): trained with {@code --train-aot}, used by the next start, left
 * alone when the jar is newer or when switched off. Needs a JDK 25+ under /usr/lib/jvm for the
 * cache cases (this project's machines have Temurin 25); without one they report themselves skipped
 * with the reason.
 */
class JvmChoiceIT {
  @TempDir Path dir;

  private static final Path JVMS = Path.of("/usr/lib/jvm");

  @Test
  void withoutJavaHomeTheNewestInstalledJdkRuns() throws Exception {
    Path newest = newestJdk().orElseThrow();
    Path java17 = jdk(17).orElseThrow(() -> new AssertionError("no Java 17 under " + JVMS));
    Path dirs = Files.createDirectories(dir.resolve("jdks"));
    Files.createSymbolicLink(dirs.resolve("a-17"), java17);
    Files.createSymbolicLink(dirs.resolve("b-newest"), newest);

    String chosen =
        version(Map.of("JAVA_HOME", Launcher.UNSET, "ARALEZ_JDK_DIRS", dirs.toString()));
    assertThat(chosen).startsWith("java " + feature(newest) + ".");

    // JAVA_HOME still decides when set.
    String pinned =
        version(Map.of("JAVA_HOME", java17.toString(), "ARALEZ_JDK_DIRS", dirs.toString()));
    assertThat(pinned).startsWith("java 17.");

    // Nothing installed in the directories: the java on PATH.
    Path empty = Files.createDirectories(dir.resolve("none"));
    String onPath =
        version(Map.of("JAVA_HOME", Launcher.UNSET, "ARALEZ_JDK_DIRS", empty.toString()));
    assertThat(onPath).startsWith("java " + pathJavaFeature() + ".");
  }

  @Test
  void trainingWritesACacheTheNextStartUsesUntilTheJarIsRebuilt() throws Exception {
    Path jdk = aotJdk();
    Path home = Launcher.install(dir.resolve("install"));
    Map<String, String> env = Map.of("JAVA_HOME", jdk.toString());

    Launcher.Result trained = run(home, env, 400, "--train-aot", "--seconds", "10");
    assertThat(trained.exit()).as(trained.output()).isZero();
    assertThat(trained.output()).contains("responses", "wrote ");
    // Every kind of traffic reached a backend through the proxy, the frame-by-frame HTTP/2
    // client (the one that trains the mass disconnect) included.
    for (String kind :
        List.of(
            "HTTP/1.1 keep-alive",
            "HTTP/1.1 chunked",
            "HTTP/2 (JDK client)",
            "HTTP/2 reset with streams open",
            "HTTP/1.1 over TLS",
            "HTTP/1.1 new connection")) {
      Matcher m = Pattern.compile(Pattern.quote(kind) + " (\\d+)").matcher(trained.output());
      assertThat(m.find()).as(kind + " in:\n" + trained.output()).isTrue();
      assertThat(Long.parseLong(m.group(1))).as(kind).isPositive();
    }
    Path cache;
    try (var files = Files.list(home.resolve("dataplane/target"))) {
      cache =
          files
              .filter(p -> p.getFileName().toString().endsWith(".aot"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no cache written:\n" + trained.output()));
    }
    assertThat(cache.getFileName().toString()).startsWith("aralez-jdk-" + feature(jdk) + ".");
    try (var files = Files.list(home.resolve("dataplane/target"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("nothing but the cache is left behind")
          .noneMatch(n -> n.contains(".training"));
    }

    // The next start maps the cache: the proxy's classes come from it, not from the jar.
    Map<String, String> logged =
        Map.of("JAVA_HOME", jdk.toString(), "JAVA_OPTS", "-Xlog:class+load=info");
    assertThat(run(home, logged, 120, "-v").output())
        .contains("io.aralez.dataplane.Main source: shared objects file");

    // The defaults replaced (the collector kept, as the cache needs): Netty's access flags are
    // still passed, so the JVM finds the module options the cache was trained with and uses it
    // whole, without a word.
    String gc = Runtime.getRuntime().availableProcessors() <= 2 ? "Serial" : "Parallel";
    Map<String, String> replaced =
        Map.of(
            "JAVA_HOME",
            jdk.toString(),
            "ARALEZ_JAVA_OPTS",
            "-Xmx256m -XX:+Use" + gc + "GC",
            "JAVA_OPTS",
            "-Xlog:class+load=info");
    assertThat(run(home, replaced, 120, "-v").output())
        .contains("io.aralez.dataplane.Main source: shared objects file")
        .doesNotContain("[error]", "Mismatched values");

    // A proxy started from the cache serves.
    try (EchoBackend backend = new EchoBackend("aot")) {
      int port = FreePort.get();
      Path conf = Files.createDirectories(dir.resolve("conf"));
      Files.writeString(
          conf.resolve("upstreams.yaml"),
          "provider: file\nupstreams:\n  aot.test:\n    paths:\n      \"/\":\n        servers: [\""
              + backend.address()
              + "\"]\n");
      Files.writeString(
          conf.resolve("main.yaml"),
          "proxy_address_http: 127.0.0.1:" + port + "\nupstreams_conf: upstreams.yaml\n");
      try (Launcher aralez = Launcher.startFrom(home, conf, env, "-c", "main.yaml")) {
        aralez.awaitPort(port);
        HttpResponse<String> r =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/x"))
                        .header("Host", "aot.test")
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(backend.count()).isEqualTo(1);
        assertThat(aralez.output()).doesNotContain("not using");
      }
    }

    // Switched off: no cache, no word about it.
    Map<String, String> off =
        Map.of(
            "JAVA_HOME",
            jdk.toString(),
            "JAVA_OPTS",
            "-Xlog:class+load=info",
            "ARALEZ_AOT_CACHE",
            "off");
    assertThat(run(home, off, 120, "-v").output())
        .doesNotContain("io.aralez.dataplane.Main source: shared objects file")
        .doesNotContain("not using");

    // A rebuilt jar: the cache belongs to the old build, the launcher says so and starts without.
    Path jar = home.resolve("dataplane/target/aralez-dataplane.jar");
    Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(60)));
    Launcher.Result stale = run(home, logged, 120, "-v");
    assertThat(stale.exit()).isZero();
    assertThat(stale.output())
        .contains("not using " + cache, "--train-aot")
        .doesNotContain("io.aralez.dataplane.Main source: shared objects file");
  }

  @Test
  void trainingNeedsJava25AndSaneArguments() throws Exception {
    Path home = Launcher.install(dir.resolve("install"));
    Path java17 = jdk(17).orElseThrow(() -> new AssertionError("no Java 17 under " + JVMS));
    Launcher.Result old = run(home, Map.of("JAVA_HOME", java17.toString()), 120, "--train-aot");
    assertThat(old.exit()).isEqualTo(2);
    assertThat(old.output()).contains("--train-aot needs Java 25 or newer", "Java 17");

    Path jdk = aotJdk();
    Launcher.Result tooShort =
        run(home, Map.of("JAVA_HOME", jdk.toString()), 120, "--train-aot", "--seconds", "3");
    assertThat(tooShort.exit()).isEqualTo(2);
    assertThat(tooShort.output()).contains("--seconds must be 10..3600", "usage:");
  }

  /**
   * bin/lib/jdk.sh's NATIVE_TRIM_OPTS: the JVM hands freed C heap back every 10 s on each installed
   * JDK that has the flag (the JVM's own log says so), not on a Java 17 update older than the flag
   * (that JVM would refuse to start with it), and not when ARALEZ_JAVA_OPTS replaces the defaults.
   */
  @Test
  void theCHeapIsTrimmedOnEveryJvmThatCan() throws Exception {
    String enabled = "Periodic native trim enabled (interval: 10000 ms)";
    Path java17 = jdk(17).orElseThrow(() -> new AssertionError("no Java 17 under " + JVMS));
    for (Path home : List.of(java17, newestJdk().orElseThrow())) {
      assertThat(trimLog(Map.of("JAVA_HOME", home.toString()))).contains(enabled);
    }

    // The same Java 17 behind a release file that says 17.0.8, an update from before the flag.
    Path old = Files.createDirectories(dir.resolve("jdk-17.0.8/bin"));
    Files.writeString(old.resolve("java"), "#!/bin/sh\nexec " + java17 + "/bin/java \"$@\"\n");
    old.resolve("java").toFile().setExecutable(true);
    Files.writeString(old.resolveSibling("release"), "JAVA_VERSION=\"17.0.8\"\n");
    assertThat(trimLog(Map.of("JAVA_HOME", old.getParent().toString())))
        .contains("java 17.")
        .doesNotContain("native trim enabled");

    assertThat(trimLog(Map.of("JAVA_HOME", java17.toString(), "ARALEZ_JAVA_OPTS", "-Xmx256m")))
        .contains("java 17.")
        .doesNotContain("native trim enabled");
  }

  /** `bin/aralez -v` with the JVM's trimmer logging on; it must start and exit cleanly. */
  private String trimLog(Map<String, String> env) throws Exception {
    Map<String, String> all = new HashMap<>(env);
    all.put("JAVA_OPTS", "-Xlog:trimnative=info");
    Launcher.Result r = run(Launcher.REPO, all, 120, "-v");
    assertThat(r.exit()).as(r.output()).isZero();
    return r.output();
  }

  private String version(Map<String, String> env) throws Exception {
    Launcher.Result v = run(Launcher.REPO, env, 120, "-v");
    assertThat(v.exit()).as(v.output()).isZero();
    Matcher m = Pattern.compile("(?m)^java .*$").matcher(v.output());
    assertThat(m.find()).as(v.output()).isTrue();
    return m.group();
  }

  private Launcher.Result run(Path home, Map<String, String> env, int seconds, String... args)
      throws Exception {
    try (Launcher l = Launcher.startFrom(home, dir, env, args)) {
      if (!l.process().waitFor(seconds, TimeUnit.SECONDS)) {
        throw new IOException(
            "bin/aralez " + String.join(" ", args) + " did not exit:\n" + l.output());
      }
      return new Launcher.Result(l.process().exitValue(), l.output());
    }
  }

  private static Path aotJdk() throws IOException {
    Optional<Path> jdk = newestJdk().filter(h -> feature(h) >= 25);
    assumeThat(jdk)
        .as(
            "a JDK 25+ under "
                + JVMS
                + " (the AOT cache needs one; Temurin 25 on this project's machines)")
        .isPresent();
    return jdk.get();
  }

  private static Optional<Path> newestJdk() throws IOException {
    Path best = null;
    try (var all = Files.list(JVMS)) {
      for (Path home : (Iterable<Path>) all::iterator) {
        if (Files.isExecutable(home.resolve("bin/java"))
            && (best == null || feature(home) > feature(best))) {
          best = home.toRealPath();
        }
      }
    }
    return Optional.ofNullable(best).filter(h -> feature(h) >= 17);
  }

  private static Optional<Path> jdk(int version) throws IOException {
    try (var all = Files.list(JVMS)) {
      for (Path home : (Iterable<Path>) all::iterator) {
        if (Files.isExecutable(home.resolve("bin/java")) && feature(home) == version) {
          return Optional.of(home.toRealPath());
        }
      }
    }
    return Optional.empty();
  }

  private static int pathJavaFeature() throws IOException {
    for (String d : System.getenv("PATH").split(":")) {
      Path java = Path.of(d, "java");
      if (Files.isExecutable(java)) {
        return feature(java.toRealPath().getParent().getParent());
      }
    }
    throw new AssertionError("no java on PATH");
  }

  /** The JDK's feature version from its {@code release} file, 0 when it has none. */
  private static int feature(Path home) {
    try {
      Matcher m =
          Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)")
              .matcher(Files.readString(home.resolve("release")));
      return m.find() ? Integer.parseInt(m.group(1)) : 0;
    } catch (IOException e) {
      return 0;
    }
  }
}
