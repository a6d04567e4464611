package io.aralez.dataplane.cli;

import java.nio.file.Path;

/**
 * The command line of {@code aralez}, compatible with the original: {@code -c/--conf FILE}, {@code
 * -t/--test}, {@code -v/--version}, {@code -d/--daemon}, {@code -u/--upgrade}; {@code --nocapture}
 * is accepted and ignored.
 */
public record CommandLine(
    Path conf,
    boolean test,
    boolean version,
    boolean daemon,
    boolean upgrade,
    boolean help,
    boolean printRunAs) {

  public static final String USAGE =
      """
      Usage: aralez -c <main.yaml> [-t] [-d] [-u]
        -c, --conf FILE   main configuration file (main.yaml)
        -t, --test        check main.yaml and the upstreams file, then exit (0 = valid)
        -d, --daemon      run in the background (as daemon: true in main.yaml)
        -u, --upgrade     take over the listening ports of a running instance, which is then
                          stopped with SIGTERM and drains its connections
        -v, --version     print the version and exit
        -h, --help        print this help
      """;

  /** Parses {@code args}; throws IllegalArgumentException with a message for bad usage. */
  public static CommandLine parse(String[] args) {
    Path conf = null;
    boolean test = false;
    boolean version = false;
    boolean daemon = false;
    boolean upgrade = false;
    boolean help = false;
    boolean printRunAs = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "-c", "--conf" -> {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException(a + " needs a file name");
          }
          conf = Path.of(args[++i]);
        }
        case "-t", "--test" -> test = true;
        case "-v", "--version", "-V" -> version = true;
        case "-d", "--daemon" -> daemon = true;
        case "-u", "--upgrade" -> upgrade = true;
        case "-h", "--help" -> help = true;
        case "--nocapture" -> {}
        case "--print-run-as" -> printRunAs = true;
        default -> {
          if (a.startsWith("--conf=")) {
            conf = Path.of(a.substring("--conf=".length()));
          } else {
            throw new IllegalArgumentException("unknown option " + a);
          }
        }
      }
    }
    if (conf == null && !version && !help) {
      throw new IllegalArgumentException("-c <main.yaml> is required");
    }
    return new CommandLine(conf, test, version, daemon, upgrade, help, printRunAs);
  }
}
