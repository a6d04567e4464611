package io.aralez.dataplane.process;

import io.aralez.dataplane.config.MainConfig;
import java.io.File;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Background mode. A JVM cannot fork, so it starts a copy of itself in a new session (setsid),
 * output to {@code error_log} (or discarded), waits until the copy listens, and exits 0.
 */
public final class Daemon {
  private static final String MARKER = "ARALEZ_DAEMON_CHILD";
  private static final long READY_TIMEOUT_MS = 30_000;

  private Daemon() {}

  public static boolean isChild() {
    return System.getenv(MARKER) != null;
  }

  public static int spawn(MainConfig config, String[] args, PrintStream err) {
    List<String> cmd = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      cmd.add("/usr/bin/setsid");
    }
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.aralez.dataplane.Main");
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put(MARKER, "1");
    File log = config.errorLog() != null ? config.errorLog().toFile() : new File("/dev/null");
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log));
    pb.redirectErrorStream(true);
    try {
      Process child = pb.start();
      long deadline = System.currentTimeMillis() + READY_TIMEOUT_MS;
      while (System.currentTimeMillis() < deadline) {
        if (!child.isAlive()) {
          err.println(
              "aralez: the background process exited with " + child.exitValue() + "; see " + log);
          return 1;
        }
        if (listening(config.proxyAddressHttp())) {
          return 0;
        }
        Thread.sleep(100);
      }
      err.println("aralez: the background process did not start listening in time");
      return 1;
    } catch (Exception e) {
      err.println("aralez: cannot start in the background: " + e.getMessage());
      return 1;
    }
  }

  private static boolean listening(InetSocketAddress address) {
    InetAddress target =
        address.getAddress().isAnyLocalAddress()
            ? InetAddress.getLoopbackAddress()
            : address.getAddress();
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(target, address.getPort()), 200);
      return true;
    } catch (Exception e) {
      return false;
    }
  }
}
