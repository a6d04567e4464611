package io.aralez.dataplane.testing;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code bin/aralez} launcher as a child process. */
public final class Launcher implements AutoCloseable {
  /** The repository root (the parent of the dataplane module). */
  public static final Path REPO =
      Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();

  private final Process process;
  private final Path output;

  private Launcher(Process process, Path output) {
    this.process = process;
    this.output = output;
  }

  /** An environment value that removes the variable from the child's environment. */
  public static final String UNSET = "\0unset";

  /** Starts {@code bin/aralez args...} with extra environment; output goes to a file. */
  public static Launcher start(Path workDir, Map<String, String> env, String... args)
      throws IOException {
    return startFrom(REPO, workDir, env, args);
  }

  /** Runs {@code appHome/bin/aralez}: the repository, or an installed copy of it. */
  public static Launcher startFrom(
      Path appHome, Path workDir, Map<String, String> env, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(appHome.resolve("bin/aralez").toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
    env.forEach(
        (k, v) -> {
          if (UNSET.equals(v)) {
            pb.environment().remove(k);
          } else {
            pb.environment().put(k, v);
          }
        });
    Path out = Files.createTempFile(workDir, "aralez", ".out");
    pb.redirectErrorStream(true).redirectOutput(out.toFile()).redirectInput(new File("/dev/null"));
    return new Launcher(pb.start(), out);
  }

  /**
   * Copies the launcher, the jar and its libraries into {@code target} with world-readable
   * permissions, as an installation would have them (for tests that run as another user).
   */
  public static Path install(Path target) throws IOException {
    Path lib = Files.createDirectories(target.resolve("dataplane/target/lib"));
    Files.createDirectories(target.resolve("bin/lib"));
    Files.copy(REPO.resolve("bin/aralez"), target.resolve("bin/aralez"));
    Files.copy(REPO.resolve("bin/lib/jdk.sh"), target.resolve("bin/lib/jdk.sh"));
    Path built = REPO.resolve("dataplane/target");
    Files.copy(
        built.resolve("aralez-dataplane.jar"),
        target.resolve("dataplane/target/aralez-dataplane.jar"));
    try (var jars = Files.list(built.resolve("lib"))) {
      for (Path jar : (Iterable<Path>) jars::iterator) {
        Files.copy(jar, lib.resolve(jar.getFileName()));
      }
    }
    try (var all = Files.walk(target)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        Files.setPosixFilePermissions(
            p,
            java.nio.file.attribute.PosixFilePermissions.fromString(
                Files.isDirectory(p) || p.endsWith("aralez") ? "rwxr-xr-x" : "rw-r--r--"));
      }
    }
    return target;
  }

  /** Runs to completion and returns the exit code. */
  public static Result run(Path workDir, String... args) throws Exception {
    try (Launcher l = start(workDir, Map.of(), args)) {
      if (!l.process.waitFor(120, TimeUnit.SECONDS)) {
        throw new IOException("bin/aralez did not exit");
      }
      return new Result(l.process.exitValue(), l.output());
    }
  }

  /** Exit code and combined output. */
  public record Result(int exit, String output) {}

  public Process process() {
    return process;
  }

  public String output() throws IOException {
    return Files.readString(output, StandardCharsets.UTF_8);
  }

  /** Waits until something accepts connections on the port. */
  public void awaitPort(int port) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("bin/aralez exited with " + process.exitValue() + ":\n" + output());
      }
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return;
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    throw new IOException("port " + port + " never opened:\n" + output());
  }

  public void signal(String name) throws Exception {
    new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
