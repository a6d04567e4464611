package io.aralez.dataplane.testing;

import io.aralez.dataplane.admission.RequestServices;
import io.aralez.dataplane.config.ConfigException;
import io.aralez.dataplane.config.MainConfig;
import io.aralez.dataplane.config.MainConfigParser;
import io.aralez.dataplane.config.ProxyConfig;
import io.aralez.dataplane.config.ProxySettings;
import io.aralez.dataplane.config.yaml.Problems;
import io.aralez.dataplane.logging.AccessLog;
import io.aralez.dataplane.metrics.ProxyMetrics;
import io.aralez.dataplane.runtime.ActiveConfig;
import io.aralez.dataplane.runtime.Candidate;
import io.aralez.dataplane.runtime.ConfigHolder;
import io.aralez.dataplane.runtime.ConfigIntake;
import io.aralez.dataplane.source.file.UpstreamsParser;
import io.aralez.dataplane.upstream.BackendRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The in-memory pieces of a proxy listener, built from main.yaml and upstreams.yaml text the way
 * the process builds them: for tests of the request path that need no sockets.
 */
public final class ProxyFixture {
  public final MainConfig main;
  public final ConfigHolder holder = new ConfigHolder();
  public final ProxyMetrics metrics = new ProxyMetrics();
  public final RequestServices services;

  public ProxyFixture(String mainYaml, String upstreamsYaml) {
    this(mainYaml, upstreamsYaml, UnaryOperator.identity());
  }

  /**
   * @param edit applied to every route of the file, for what only the controller's snapshot can
   *     express (request rules, regex paths)
   */
  public ProxyFixture(
      String mainYaml, String upstreamsYaml, UnaryOperator<ProxyConfig.Route> edit) {
    try {
      main = MainConfigParser.parse(Path.of("main.yaml"), mainYaml, new Problems());
      ProxyConfig parsed =
          UpstreamsParser.parse(
              new UpstreamsParser.Source("upstreams.yaml", upstreamsYaml),
              List.of(),
              "test",
              new Problems());
      List<ProxyConfig.VirtualHost> hosts = new java.util.ArrayList<>();
      for (ProxyConfig.VirtualHost vh : parsed.hosts()) {
        hosts.add(new ProxyConfig.VirtualHost(vh.name(), vh.routes().stream().map(edit).toList()));
      }
      ProxyConfig routes =
          new ProxyConfig(
              parsed.source(), parsed.version(), parsed.sticky(), hosts, parsed.certificates());
      ConfigIntake intake = new ConfigIntake(holder);
      var outcome = intake.offer(Candidate.of(Candidate.Kind.FILE, "test", routes, List.of()));
      if (!holder.current().config().version().equals("test")) {
        throw new IllegalStateException("config not applied: " + outcome);
      }
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    services = RequestServices.from(main, metrics, new AccessLog(main.accessLog()));
  }

  /** A fixture whose main.yaml only names a plain listener. */
  public static ProxyFixture of(String upstreamsYaml) {
    return new ProxyFixture(
        "proxy_address_http: 127.0.0.1:8080\nupstreams_conf: upstreams.yaml\n", upstreamsYaml);
  }

  /** A fixture with a plain listener whose routes {@code edit} changes. */
  public static ProxyFixture of(String upstreamsYaml, UnaryOperator<ProxyConfig.Route> edit) {
    return new ProxyFixture(
        "proxy_address_http: 127.0.0.1:8080\nupstreams_conf: upstreams.yaml\n",
        upstreamsYaml,
        edit);
  }

  public ProxySettings settings(boolean secure) {
    return ProxySettings.from(main, secure);
  }

  public ActiveConfig config() {
    return holder.current();
  }

  /** A compiled config outside the holder (its own backend states). */
  public ActiveConfig compiled() {
    return ActiveConfig.compile(config().config(), new BackendRegistry(), new byte[16]);
  }
}
