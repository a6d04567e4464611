package io.aralez.controller;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A {@link ControllerApp} in this JVM against a mock API server, with its HTTP endpoints. */
public final class ControllerHarness implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private final ControllerApp app;
  private final int httpPort;

  private ControllerHarness(ControllerApp app, int httpPort) {
    this.app = app;
    this.httpPort = httpPort;
  }

  /** Starts a controller with a kubeconfig for {@code server} and these extra flags. */
  public static ControllerHarness start(Path dir, KubernetesMockServer server, String... flags)
      throws Exception {
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(
        kubeconfig,
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster: {server: "http://%s:%d"}
        users:
        - name: test
          user: {token: "t"}
        contexts:
        - name: mock
          context: {cluster: mock, user: test, namespace: default}
        current-context: mock
        """
            .formatted(server.getHostName(), server.getPort()));
    int http = freePort();
    List<String> args =
        new ArrayList<>(
            List.of(
                "--kubeconfig",
                kubeconfig.toString(),
                "--grpc-address",
                "127.0.0.1:" + freePort(),
                "--http-address",
                "127.0.0.1:" + http));
    args.addAll(List.of(flags));
    ControllerApp app =
        new ControllerApp(ControllerOptions.parse(args.toArray(String[]::new), Map.of()));
    try {
      app.start();
    } catch (Exception e) {
      app.close();
      throw e;
    }
    return new ControllerHarness(app, http);
  }

  public HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The value of an unlabelled metric on /metrics. */
  public double metric(String name) throws Exception {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)$")
            .matcher(get("/metrics").body());
    return m.find() ? Double.parseDouble(m.group(2)) : Double.NaN;
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    app.close();
  }
}
