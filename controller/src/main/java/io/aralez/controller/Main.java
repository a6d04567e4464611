package io.aralez.controller;

import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point of {@code bin/aralez-controller}. Exit codes: 0 stopped, 1 cannot start, 2 usage. */
public final class Main {
  static {
    // Its own file name: in the image the data plane's logback.xml is on the same classpath.
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "aralez-controller-logback.xml");
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    for (String a : args) {
      if (a.equals("-h") || a.equals("--help")) {
        System.out.print(ControllerOptions.USAGE);
        return;
      }
    }
    ControllerOptions options;
    try {
      options = ControllerOptions.parse(args, System.getenv());
    } catch (ControllerOptions.UsageException e) {
      System.err.println("aralez-controller: " + e.getMessage());
      System.err.print(ControllerOptions.USAGE);
      System.exit(2);
      return;
    }
    if (options.nginxReport() != null) {
      System.exit(ControllerApp.report(options));
      return;
    }
    ControllerApp app = new ControllerApp(options);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  app.close();
                  stopped.countDown();
                },
                "aralez-shutdown"));
    try {
      app.start();
    } catch (Exception e) {
      // The whole chain: a framework's "error starting" says nothing without its causes.
      StringBuilder why = new StringBuilder(e.toString());
      for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
        why.append("\n  caused by: ").append(t);
      }
      LOG.error("cannot start: {}", why);
      System.exit(1);
    }
  }
}
