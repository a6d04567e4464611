package io.aralez.dataplane.testing;

import io.aralez.dataplane.Dataplane;
import io.aralez.dataplane.config.MainConfig;
import io.aralez.dataplane.config.MainConfigParser;
import io.aralez.dataplane.config.yaml.Problems;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Runs the data plane in this JVM on real loopback sockets, configured through real main.yaml and
 * upstreams.yaml files in a temporary folder.
 */
public final class ProxyHarness implements AutoCloseable {
  private final Path dir;
  private final int port;
  private final Dataplane dataplane;

  private ProxyHarness(Path dir, int port, Dataplane dataplane) {
    this.dir = dir;
    this.port = port;
    this.dataplane = dataplane;
  }

  /**
   * Starts a proxy.
   *
   * @param extraMain more main.yaml lines
   * @param upstreams the upstreams.yaml text
   */
  public static ProxyHarness start(Path dir, String extraMain, String upstreams) throws Exception {
    return start(dir, "127.0.0.1", extraMain, upstreams);
  }

  /**
   * The same on another listening address ({@code [::]}: both IPv4 and IPv6 clients); {@link
   * #base()} stays the IPv4 loopback.
   */
  public static ProxyHarness start(Path dir, String listenHost, String extraMain, String upstreams)
      throws Exception {
    int port = FreePort.get();
    Files.writeString(dir.resolve("upstreams.yaml"), upstreams, StandardCharsets.UTF_8);
    String main =
        "proxy_address_http: \""
            + listenHost
            + ":"
            + port
            + "\"\nupstreams_conf: upstreams.yaml\nlog_level: warn\n"
            + (extraMain.contains("threads:") ? "" : "threads: 2\n")
            + extraMain;
    Path mainFile = dir.resolve("main.yaml");
    Files.writeString(mainFile, main, StandardCharsets.UTF_8);
    MainConfig config = MainConfigParser.load(mainFile, new Problems());
    Dataplane d = new Dataplane(config);
    try {
      d.start(false);
    } catch (Exception e) {
      d.stop();
      throw e;
    }
    return new ProxyHarness(dir, port, d);
  }

  /**
   * Starts a proxy with a TLS listener too, on a free port, serving one self-signed certificate
   * (made with openssl) for every name.
   */
  public static ProxyHarness startWithTls(Path dir, String extraMain, String upstreams)
      throws Exception {
    Path certs = Files.createDirectories(dir.resolve("certs"));
    OpenSsl.selfSigned(certs, "proxy", "ec", "localhost", "proxy.test");
    int tls = FreePort.get();
    ProxyHarness h =
        start(
            dir,
            "proxy_address_tls: 127.0.0.1:" + tls + "\nproxy_certificates: certs\n" + extraMain,
            upstreams);
    h.tlsPort = tls;
    return h;
  }

  private int tlsPort;

  public int tlsPort() {
    return tlsPort;
  }

  public int port() {
    return port;
  }

  public String base() {
    return "http://127.0.0.1:" + port;
  }

  public Path dir() {
    return dir;
  }

  public Dataplane dataplane() {
    return dataplane;
  }

  /** Replaces upstreams.yaml the way editors and ConfigMaps do: write aside, then rename. */
  public void rewriteUpstreams(String text) throws IOException {
    Path tmp = dir.resolve(".upstreams.yaml.tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(
        tmp,
        dir.resolve("upstreams.yaml"),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  public void close() {
    dataplane.stop();
  }
}
