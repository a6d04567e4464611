package io.aralez.e2e;

import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The cluster every ingress-nginx end-to-end test runs against: {@code bin/aralez-controller
 * --nginx-compat} on the mock API server, a real {@code bin/aralez} data plane, echo backends, a
 * forward-auth server, and the helpers that send requests and read what each side saw. Each test
 * class gets its own.
 */
abstract class NginxHarness {
  static final String NS = "shop";
  static final String N = "nginx.ingress.kubernetes.io/";
  static final String TOKEN = "nginx-e2e-token-0123456789";

  static Path dir;
  static TestCluster cluster;
  static KubernetesClient k8s;
  static Processes processes;
  static HttpServer backend;
  static HttpServer canaryBackend;
  // Answers with the status the request's X-Want header names; 200 adds X-User.
  static HttpServer auth;
  static final AtomicInteger backendHits = new AtomicInteger();
  static final Map<String, String> NGINX_CONFIG =
      Map.of(
          "proxy-body-size", "4k",
          "use-geoip", "true",
          "global-allowed-response-headers", "X-Custom-One");
  static int proxyPort;
  // TLS listener; certificates come from the Ingresses' Secrets (the folder stays empty).
  static int tlsPort;
  static int adminPort;
  static int grpcPort;
  static int controllerHttp;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("aralez-nginx");
    cluster = TestCluster.open(dir);
    k8s = cluster.client();
    processes = new Processes(Path.of("target/e2e-logs-nginx"));
    backend = echoBackend("main");
    canaryBackend = echoBackend("canary");
    auth = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    auth.createContext(
        "/check",
        ex -> {
          String want = ex.getRequestHeaders().getFirst("X-Want");
          // A POST from the proxy with the configured X-Auth-Request-Redirect passes (auth-method).
          boolean post =
              ex.getRequestMethod().equals("POST")
                  && "/after-login"
                      .equals(ex.getRequestHeaders().getFirst("X-Auth-Request-Redirect"));
          // auth-proxy-set-headers: a header only the ConfigMap gives lets the request in.
          boolean fromConfigMap =
              "from-configmap".equals(ex.getRequestHeaders().getFirst("X-Auth-Extra"));
          int status = want != null ? Integer.parseInt(want) : post || fromConfigMap ? 200 : 401;
          if (status == 200) {
            ex.getResponseHeaders().set("X-User", "alice");
            ex.getResponseHeaders().set("X-Other", "not listed");
          }
          if (status == 302) {
            ex.getResponseHeaders().set("Location", "http://elsewhere.test/");
          }
          if ("hang".equals(ex.getRequestHeaders().getFirst("X-Hang"))) {
            try {
              Thread.sleep(8000);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          byte[] body = "auth".getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Set-Cookie", "sso=abc; Path=/");
          ex.sendResponseHeaders(status, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    auth.setExecutor(Executors.newFixedThreadPool(4));
    auth.start();
    Path token = dir.resolve("token");
    Files.writeString(token, TOKEN + "\n");

    k8s.resource(
            new IngressClassBuilder()
                .withNewMetadata()
                .withName("nginx")
                .endMetadata()
                .withNewSpec()
                .withController("k8s.io/ingress-nginx")
                .endSpec()
                .build())
        .createOr(c -> c.update());
    for (String ns : List.of(NS, "ingress-nginx")) {
      k8s.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .createOr(c -> c.update());
    }
    configMap(NGINX_CONFIG);
    k8s.resource(Fixtures.service(NS, "web")).createOr(c -> c.update());
    k8s.resource(Fixtures.localSlice(NS, "web", "web-0", backend.getAddress().getPort()))
        .createOr(c -> c.update());
    k8s.resource(Fixtures.service(NS, "web-canary")).createOr(c -> c.update());
    k8s.resource(
            Fixtures.localSlice(
                NS, "web-canary", "web-canary-0", canaryBackend.getAddress().getPort()))
        .createOr(c -> c.update());

    grpcPort = Processes.freePort();
    controllerHttp = Processes.freePort();
    processes.start(
        "controller",
        Map.of("POD_NAME", "controller-0"),
        "bin/aralez-controller",
        "--kubeconfig",
        cluster.kubeconfig().toString(),
        "--grpc-address",
        "127.0.0.1:" + grpcPort,
        "--http-address",
        "127.0.0.1:" + controllerHttp,
        "--token-file",
        token.toString(),
        "--lease-namespace",
        NS,
        "--nginx-compat",
        "true",
        "--enable-ssl-passthrough",
        "true",
        "--nginx-configmap",
        "ingress-nginx/ingress-nginx-controller");
    proxyPort = Processes.freePort();
    adminPort = Processes.freePort();
    Path d = Files.createDirectories(dir.resolve("dp"));
    Files.writeString(
        d.resolve("main.yaml"),
        ("proxy_address_http: 127.0.0.1:%d\nconfig_address: 127.0.0.1:%d\n"
                + "upstreams_conf: upstreams.yaml\nthreads: 1\n"
                + "proxy_address_tls: 127.0.0.1:%d\nproxy_certificates: %s\n"
                // As in the chart: clients reach HTTPS on 443 (a Service), not the pod's port.
                + "https_redirect_port: 443\naccess_log: all\n")
            .formatted(
                proxyPort,
                adminPort,
                tlsPort = Processes.freePort(),
                Files.createDirectories(d.resolve("certs"))));
    Files.writeString(
        d.resolve("upstreams.yaml"),
        "provider: kubernetes\nkubernetes:\n  controller: 127.0.0.1:%d\n  tokenpath: %s\n  node_id: dp-0\n"
            .formatted(grpcPort, token));
    processes.start(
        "dataplane",
        Map.of("ARALEZ_NO_PRIVDROP", "1"),
        "bin/aralez",
        "-c",
        d.resolve("main.yaml").toString());
    await()
        .atMost(Duration.ofMinutes(5))
        .ignoreExceptions()
        .until(
            () ->
                send("GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", adminPort)
                        .status
                    == 200);
  }

  @AfterAll
  static void stop() throws Exception {
    if (processes != null) {
      processes.close();
    }
    if (backend != null) {
      backend.stop(0);
    }
    if (canaryBackend != null) {
      canaryBackend.stop(0);
    }
    if (auth != null) {
      auth.stop(0);
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  static void configMap(Map<String, String> data) {
    k8s.resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withNamespace("ingress-nginx")
                .withName("ingress-nginx-controller")
                .endMetadata()
                .withData(data)
                .build())
        .createOr(c -> c.update());
  }

  /** Answers with what it received: the request line's target, then every header. */
  static HttpServer echoBackend(String name) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    s.createContext(
        "/",
        ex -> {
          if (ex.getRequestURI().getPath().startsWith("/slow")) {
            try {
              Thread.sleep(1500);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          byte[] in = ex.getRequestBody().readAllBytes();
          // Counted once the whole body arrived: a body cut off upstream is not a request served.
          backendHits.incrementAndGet();
          StringBuilder b = new StringBuilder();
          b.append("target=").append(ex.getRequestURI().getRawPath());
          if (ex.getRequestURI().getRawQuery() != null) {
            b.append('?').append(ex.getRequestURI().getRawQuery());
          }
          b.append("\nbody=").append(in.length).append('\n');
          ex.getRequestHeaders()
              .forEach(
                  (k, v) ->
                      b.append(k.toLowerCase(Locale.ROOT))
                          .append(": ")
                          .append(String.join(",", v))
                          .append('\n'));
          b.append("end\n");
          byte[] out = b.toString().getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().set("Content-Type", "text/plain");
          ex.getResponseHeaders().set("X-Backend", name);
          ex.getResponseHeaders().set("Strict-Transport-Security", "max-age=5");
          if (ex.getRequestURI().getPath().startsWith("/moved")) {
            // What an application behind the proxy says about itself (proxy-redirect-*,
            // proxy-cookie-*).
            ex.getResponseHeaders().set("Location", "http://backend.internal/app/next");
            ex.getResponseHeaders()
                .add("Set-Cookie", "sid=1; Domain=backend.internal; Path=/app/cart");
          }
          // "/status/NNN..." answers NNN, as a failing application would.
          String path = ex.getRequestURI().getPath();
          int status =
              path.matches("/status/\\d{3}.*") ? Integer.parseInt(path.substring(8, 11)) : 200;
          ex.sendResponseHeaders(status, out.length);
          try (OutputStream o = ex.getResponseBody()) {
            o.write(out);
          }
        });
    s.setExecutor(Executors.newFixedThreadPool(16));
    s.start();
    return s;
  }

  /** A response as read off the socket. */
  record Response(int status, Map<String, String> headers, String body) {
    /** What the backend said it received for {@code name} ("target", "body" or a header). */
    String seen(String name) {
      for (String line : body.split("\n")) {
        if (line.startsWith(name + "=") || line.startsWith(name + ": ")) {
          return line.substring(name.length() + (line.charAt(name.length()) == '=' ? 1 : 2));
        }
      }
      return null;
    }
  }

  static Response send(String request, int port) throws IOException {
    return send(request, new Socket("127.0.0.1", port));
  }

  /** {@code request} over {@code socket}, read to the end; closes the socket. */
  static Response send(String request, Socket socket) throws IOException {
    try (Socket s = socket) {
      s.setSoTimeout(15_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      int n;
      while ((n = in.read(buf)) > 0) {
        all.write(buf, 0, n);
      }
      String text = all.toString(StandardCharsets.ISO_8859_1);
      int end = text.indexOf("\r\n\r\n");
      String[] lines = text.substring(0, end).split("\r\n");
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers.put(
            lines[i].substring(0, colon).toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim());
      }
      return new Response(
          Integer.parseInt(lines[0].split(" ")[1]), headers, text.substring(end + 4));
    }
  }

  static Response get(String host, String target, String... headers) throws IOException {
    StringBuilder r = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n");
    for (int i = 0; i < headers.length; i += 2) {
      r.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
    }
    return send(r.append("Connection: close\r\n\r\n").toString(), proxyPort);
  }

  static Ingress ingress(
      String name, String host, String path, String type, Map<String, String> ann) {
    return ingress(name, host, path, type, "web", ann);
  }

  static Ingress ingress(
      String name, String host, String path, String type, String service, Map<String, String> ann) {
    return k8s.resource(Fixtures.ingress(NS, name, "nginx", host, path, type, service, ann))
        .createOr(c -> c.update());
  }

  /** Waits until the data plane routes {@code host} (any answer but 404). */
  static void served(String host, String path) {
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> get(host, path).status != 404);
  }

  /** A Service whose endpoints are these local ports, one EndpointSlice each. */
  static void service(String name, int... ports) {
    k8s.resource(Fixtures.service(NS, name)).createOr(c -> c.update());
    for (int i = 0; i < ports.length; i++) {
      k8s.resource(Fixtures.localSlice(NS, name, name + "-" + i, ports[i]))
          .createOr(c -> c.update());
    }
  }

  /** {@code base} with one more annotation. */
  static Map<String, String> with(Map<String, String> base, String key, String value) {
    Map<String, String> m = new LinkedHashMap<>(base);
    m.put(N + key, value);
    return m;
  }

  /** An htpasswd {SHA} hash of {@code password}. */
  static String shaHash(String password) throws Exception {
    return "{SHA}"
        + java.util.Base64.getEncoder()
            .encodeToString(
                java.security.MessageDigest.getInstance("SHA-1")
                    .digest(password.getBytes(StandardCharsets.UTF_8)));
  }

  /** "Basic ..." for {@code user} and {@code password}. */
  static String basic(String user, String password) {
    return "Basic "
        + java.util.Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** A Secret of the test namespace with these string values. */
  static void secret(String name, Map<String, String> data) {
    k8s.resource(
            new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata()
                .withNamespace(NS)
                .withName(name)
                .endMetadata()
                .withStringData(data)
                .build())
        .createOr(c -> c.update());
  }

  /**
   * Waits until the data plane has a route for {@code host}, for backends that never answer (a
   * request cannot tell "routed" from "not yet").
   */
  static void routed(String host) {
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () ->
                send("GET /status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", adminPort)
                    .body()
                    .contains(host));
  }

  static List<Event> events(String object, String reason) {
    return k8s.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> object.equals(e.getInvolvedObject().getName()))
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }

  static Response post(String host, String body, boolean chunked) throws IOException {
    StringBuilder r = new StringBuilder("POST /upload HTTP/1.1\r\nHost: " + host + "\r\n");
    if (chunked) {
      r.append("Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
      for (int i = 0; i < body.length(); i += 1000) {
        String part = body.substring(i, Math.min(body.length(), i + 1000));
        r.append(Integer.toHexString(part.length())).append("\r\n").append(part).append("\r\n");
      }
      r.append("0\r\n\r\n");
    } else {
      r.append("Content-Length: ")
          .append(body.length())
          .append("\r\nConnection: close\r\n\r\n")
          .append(body);
    }
    return send(r.toString(), proxyPort);
  }
}
