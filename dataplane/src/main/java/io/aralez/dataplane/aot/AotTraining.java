package io.aralez.dataplane.aot;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code bin/aralez --train-aot}: a training run that leaves an ahead-of-time cache (JDK 25+, JEP
 * 483/514/515) for {@code bin/aralez} to start with. The proxy runs as a child JVM with {@code
 * -XX:AOTCacheOutput} on a throwaway configuration, this process plays its backends and clients
 * ({@link TrainingLoad}), then stops it; the JVM writes the cache — classes loaded and linked, and
 * the method profiles of the run — as it exits. A proxy started with the cache compiles its hot
 * code from those profiles, which include the disconnect paths a fresh JVM only meets under load
 * (bench/README.md: the recompilation bursts that made the 200-connection p99).
 *
 * <p>The cache is written next to its final name and moved there only when the run served traffic,
 * so a failed training leaves the previous cache in place.
 */
public final class AotTraining {
  /** Fewer responses than this and the profiles would not describe a proxy at work. */
  static final long MIN_ANSWERED = 2_000;

  private static final long START_TIMEOUT_MS = 120_000;
  private static final long EXIT_TIMEOUT_MS = 300_000;

  private AotTraining() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    Options o;
    try {
      o = Options.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("aralez --train-aot: " + e.getMessage());
      err.println(Options.USAGE);
      return 2;
    }
    try {
      return train(o, out, err);
    } catch (Exception e) {
      err.println("aralez --train-aot: training failed: " + e.getMessage());
      return 1;
    }
  }

  private static int train(Options o, PrintStream out, PrintStream err) throws Exception {
    Path work = Files.createTempDirectory("aralez-aot-training");
    Path partial = o.cache.resolveSibling(o.cache.getFileName() + ".training");
    Files.deleteIfExists(partial);
    Process proxy = null;
    try (TrainingBackends backends = TrainingBackends.start(3)) {
      TrainingCertificate cert = TrainingCertificate.create(work, work.resolve("certs"));
      int http = freePort();
      int tls = freePort();
      Path main = writeConfig(work, http, tls, backends.addresses());
      List<String> cmd = new ArrayList<>(o.javaCommand);
      cmd.add("-XX:AOTCacheOutput=" + partial);
      cmd.addAll(o.program());
      cmd.addAll(List.of("-c", main.toString()));
      Path log = work.resolve("proxy.log");
      out.println(
          "aralez --train-aot: training for "
              + o.seconds
              + " s on 127.0.0.1:"
              + http
              + " and :"
              + tls
              + " (HTTP/1.1, HTTP/2 over TLS, resets)...");
      proxy =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      awaitServing(proxy, http, log);
      TrainingLoad load = new TrainingLoad(http, tls, cert.clientContext());
      load.run(o.seconds * 1000L);
      out.println(
          "aralez --train-aot: "
              + load.answered()
              + " responses ("
              + load.summary()
              + "), "
              + load.failed()
              + " requests without one; stopping the proxy, the JVM writes the cache...");
      proxy.destroy();
      if (!proxy.waitFor(EXIT_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
        proxy.destroyForcibly();
        throw new IOException("the proxy did not exit within " + EXIT_TIMEOUT_MS / 1000 + " s");
      }
      if (load.answered() < MIN_ANSWERED) {
        throw new IOException(
            "only "
                + load.answered()
                + " responses (at least "
                + MIN_ANSWERED
                + " are needed); the proxy's log:\n"
                + tail(log));
      }
      if (!Files.isRegularFile(partial) || Files.size(partial) == 0) {
        throw new IOException("the JVM wrote no cache; the proxy's log:\n" + tail(log));
      }
      Files.move(
          partial, o.cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      out.println(
          "aralez --train-aot: wrote "
              + o.cache
              + " ("
              + Files.size(o.cache) / (1024 * 1024)
              + " MiB); bin/aralez uses it on this JDK until the jar is rebuilt");
      return 0;
    } finally {
      if (proxy != null && proxy.isAlive()) {
        proxy.destroyForcibly();
      }
      Files.deleteIfExists(partial);
      Files.deleteIfExists(partial.resolveSibling(partial.getFileName() + ".config"));
      deleteTree(work);
    }
  }

  private static Path writeConfig(Path work, int http, int tls, List<String> backends)
      throws IOException {
    StringBuilder servers = new StringBuilder();
    for (String b : backends) {
      servers.append(servers.length() == 0 ? "" : ", ").append('"').append(b).append('"');
    }
    Files.writeString(
        work.resolve("upstreams.yaml"),
        "provider: file\n"
            + "DEFAULT:\n"
            + "  paths:\n"
            + "    \"/\":\n"
            + "      servers: ["
            + servers
            + "]\n");
    Path main = work.resolve("main.yaml");
    Files.writeString(
        main,
        "proxy_address_http: 127.0.0.1:"
            + http
            + "\nproxy_address_tls: 127.0.0.1:"
            + tls
            + "\nproxy_certificates: certs\n"
            + "upstreams_conf: upstreams.yaml\n"
            + "log_level: warn\n");
    return main;
  }

  /** Waits until a plain request through the proxy is answered by a backend. */
  private static void awaitServing(Process proxy, int port, Path log) throws Exception {
    long deadline = System.nanoTime() + START_TIMEOUT_MS * 1_000_000L;
    byte[] req =
        "GET / HTTP/1.1\r\nHost: training.local\r\nConnection: close\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);
    IOException last = null;
    while (System.nanoTime() < deadline) {
      if (!proxy.isAlive()) {
        throw new IOException(
            "the proxy exited with " + proxy.exitValue() + " at start:\n" + tail(log));
      }
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(5_000);
        s.getOutputStream().write(req);
        InputStream in = s.getInputStream();
        TrainingLoad.readResponse(new BufferedInputStream(in));
        return;
      } catch (IOException e) {
        last = e;
        Thread.sleep(200);
      }
    }
    throw new IOException(
        "the proxy did not serve within "
            + START_TIMEOUT_MS / 1000
            + " s ("
            + (last == null ? "" : last.getMessage())
            + "):\n"
            + tail(log));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String tail(Path log) throws IOException {
    if (!Files.exists(log)) {
      return "(no output)";
    }
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /**
   * {@code --cache FILE (--jar JAR | --classpath CP) [--seconds N] -- JAVA [JVM options...]}. The
   * proxy must be started the way it will run: a cache is only used with the class path it was
   * trained on ({@code --classpath} is for the container image, which runs the proxy's main class
   * from a class path instead of the jar).
   */
  record Options(Path cache, Path jar, String classpath, int seconds, List<String> javaCommand) {
    static final String USAGE =
        "usage: bin/aralez --train-aot [--seconds N]   (N: 10..3600, default 40)";

    static Options parse(String[] args) {
      Path cache = null;
      Path jar = null;
      String classpath = null;
      int seconds = 40;
      List<String> java = new ArrayList<>();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (a.equals("--")) {
          java.addAll(List.of(args).subList(i + 1, args.length));
          break;
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(a + " needs a value");
        }
        String v = args[++i];
        switch (a) {
          case "--cache" -> cache = Path.of(v).toAbsolutePath();
          case "--jar" -> jar = Path.of(v).toAbsolutePath();
          case "--classpath" -> classpath = v;
          case "--seconds" -> {
            try {
              seconds = Integer.parseInt(v);
            } catch (NumberFormatException e) {
              throw new IllegalArgumentException("--seconds takes a whole number, not " + v);
            }
            if (seconds < 10 || seconds > 3600) {
              throw new IllegalArgumentException("--seconds must be 10..3600, not " + v);
            }
          }
          default -> throw new IllegalArgumentException("unknown option " + a);
        }
      }
      if (cache == null || (jar == null) == (classpath == null) || java.isEmpty()) {
        throw new IllegalArgumentException(
            "--cache, one of --jar and --classpath, and the java command are required");
      }
      return new Options(cache, jar, classpath, seconds, List.copyOf(java));
    }

    /** What follows the JVM options on the proxy's command line, before its own arguments. */
    List<String> program() {
      return jar != null
          ? List.of("-jar", jar.toString())
          : List.of("-cp", classpath, "io.aralez.dataplane.Main");
    }
  }
}
