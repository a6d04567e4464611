package io.aralez.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Starts the real launchers as child processes, logs to files, and stops them all. */
public final class Processes implements AutoCloseable {
  public static final Path HOME =
      Path.of(System.getProperty("aralez.home", "..")).toAbsolutePath().normalize();

  private final Path logs;
  private final List<Process> started = new ArrayList<>();

  public Processes(Path logs) throws IOException {
    this.logs = Files.createDirectories(logs);
    try (var old = Files.list(logs)) {
      for (Path f : old.toList()) {
        if (!Files.isDirectory(f)) {
          // Another test's logs may sit in a folder here: they are that test's to clear.
          Files.delete(f);
        }
      }
    }
    // A killed test run must not leave proxies and controllers behind.
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> started.forEach(Process::destroyForcibly)));
  }

  public Process start(String name, Map<String, String> env, String... command) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(HOME.toFile());
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve(name + ".log").toFile()));
    Process p = pb.start();
    started.add(p);
    return p;
  }

  String log(String name) throws IOException {
    Path f = logs.resolve(name + ".log");
    return Files.exists(f) ? Files.readString(f) : "";
  }

  public static void kill(Process p) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
    }
  }

  private static final java.util.Set<Integer> GIVEN = new java.util.HashSet<>();

  /**
   * A port that was free a moment ago and not handed out before by this JVM (the kernel may give
   * the same ephemeral port to two binds in a row).
   */
  public static int freePort() throws IOException {
    for (int attempt = 0; ; attempt++) {
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      synchronized (GIVEN) {
        if (GIVEN.add(port) || attempt > 100) {
          return port;
        }
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    for (Process p : started) {
      if (p.isAlive()) {
        kill(p);
      }
    }
  }
}
