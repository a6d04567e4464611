package io.aralez.dataplane;

import io.aralez.dataplane.cli.CommandLine;
import io.aralez.dataplane.config.ConfigException;
import io.aralez.dataplane.config.ConfigProblem;
import io.aralez.dataplane.config.ConfigValidator;
import io.aralez.dataplane.config.MainConfig;
import io.aralez.dataplane.config.MainConfigParser;
import io.aralez.dataplane.config.ProxyConfig;
import io.aralez.dataplane.config.yaml.Problems;
import io.aralez.dataplane.logging.LoggingSetup;
import io.aralez.dataplane.net.NativeSupport;
import io.aralez.dataplane.net.Transport;
import io.aralez.dataplane.process.Daemon;
import io.aralez.dataplane.runtime.Candidate;
import io.aralez.dataplane.source.discovery.DiscoveryComposer;
import io.aralez.dataplane.source.discovery.DiscoverySettings;
import io.aralez.dataplane.source.discovery.Found;
import io.aralez.dataplane.source.file.UpstreamsDocument;
import io.aralez.dataplane.source.file.UpstreamsFileSource;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/** {@code aralez}: the data plane run outside a cluster. Wiring only. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // TLS 1.2 renegotiation started by a client costs the server a handshake per request of the
    // client's choosing; BoringSSL refuses it, and so must the JDK engine when it is the fallback.
    System.setProperty("jdk.tls.rejectClientInitiatedRenegotiation", "true");
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    CommandLine cli;
    try {
      cli = CommandLine.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("aralez: " + e.getMessage());
      err.print(CommandLine.USAGE);
      return 2;
    }
    if (cli.printRunAs() && (cli.help() || cli.version())) {
      return 0;
    }
    if (cli.help()) {
      out.print(CommandLine.USAGE);
      return 0;
    }
    if (cli.version()) {
      out.println("aralez " + Version.get());
      out.println(NativeSupport.detect().describe(Transport.detect().name()));
      return 0;
    }

    Problems problems = new Problems();
    MainConfig config;
    try {
      config = MainConfigParser.load(cli.conf(), problems);
      if (cli.printRunAs()) {
        // Asked by bin/aralez, which drops root privileges before starting the JVM for real.
        if (config.runUser() != null) {
          out.println("RUN_AS " + config.runUser() + " " + config.runGroup());
        }
        return 0;
      }
      checkUpstreams(UpstreamsFileSource.load(config.upstreamsConf(), problems), config);
    } catch (ConfigException e) {
      printWarnings(problems, err);
      err.println("aralez: configuration is invalid:");
      for (ConfigProblem p : e.problems()) {
        err.println("  " + p);
      }
      return 1;
    }
    printWarnings(problems, err);
    if (cli.test()) {
      out.println(
          "aralez: configuration "
              + config.file()
              + " and "
              + config.upstreamsConf()
              + " are valid");
      return 0;
    }
    if ((cli.daemon() || config.daemon()) && !Daemon.isChild()) {
      return Daemon.spawn(config, args, err);
    }

    LoggingSetup.apply(config);
    Logger log = LoggerFactory.getLogger(Main.class);
    Dataplane dataplane = new Dataplane(config);
    try {
      dataplane.start(cli.upgrade());
    } catch (Exception e) {
      log.error("cannot start: {}", e.getMessage());
      err.println("aralez: cannot start: " + e.getMessage());
      dataplane.stop();
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runnable stop =
        () -> {
          dataplane.stop();
          stopped.countDown();
        };
    Signal.handle(new Signal("TERM"), s -> new Thread(stop, "aralez-stop").start());
    Signal.handle(new Signal("INT"), s -> new Thread(stop, "aralez-stop").start());
    Signal.handle(new Signal("HUP"), s -> new Thread(dataplane::reload, "aralez-reload").start());
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /**
   * What the intake would refuse, found before anything runs: the file's hosts (and its listed
   * services, routed without backends yet) against the validator every source goes through.
   */
  private static void checkUpstreams(UpstreamsDocument doc, MainConfig config)
      throws ConfigException {
    ProxyConfig routes = doc.hosts();
    if (doc.provider() instanceof DiscoverySettings d) {
      routes =
          DiscoveryComposer.compose(
              doc, d.services(), Found.NOTHING, "check", new java.util.ArrayList<>());
    } else if (doc.provider().kind() == Candidate.Kind.CONTROLLER) {
      return;
    }
    List<String> problems = ConfigValidator.problems(routes, true);
    if (!problems.isEmpty()) {
      throw new ConfigException(
          problems.stream()
              .map(p -> new ConfigProblem(config.upstreamsConf().toString(), 0, p))
              .toList());
    }
  }

  private static void printWarnings(Problems problems, PrintStream err) {
    for (ConfigProblem w : problems.warnings()) {
      err.println("aralez: warning: " + w);
    }
  }
}
