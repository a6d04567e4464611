package io.aralez.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.dataplane.testing.EchoBackend;
import io.aralez.dataplane.testing.FreePort;
import io.aralez.dataplane.testing.ProxyHarness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Config push, token issuing and metrics on the admin API. */
class AdminApiIT {
  static final String KEY = "0123456789abcdef-master";
  static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  @TempDir static Path dir;
  static EchoBackend backend;
  static ProxyHarness proxy;
  static String admin;

  @BeforeAll
  static void start() throws Exception {
    backend = new EchoBackend("api");
    int adminPort = FreePort.get();
    admin = "http://127.0.0.1:" + adminPort;
    proxy =
        ProxyHarness.start(
            dir,
            "config_address: 127.0.0.1:"
                + adminPort
                + "\nconfig_api_enabled: true\nmaster_key: "
                + KEY
                + "\n",
            config("v1"));
  }

  @AfterAll
  static void stop() {
    proxy.close();
    backend.close();
  }

  static String config(String marker) {
    return "provider: file\nclient_headers: [\"X-Version:"
        + marker
        + "\"]\napi.test:\n  paths:\n"
        + "    \"/\": {servers: [\""
        + backend.address()
        + "\"]}\n"
        + "    \"/private\": {authorization: {type: jwt}, servers: [\""
        + backend.address()
        + "\"]}\n";
  }

  static HttpResponse<String> post(String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(admin + path))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> proxied(String path, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(proxy.base() + path)).header("Host", "api.test");
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @Tag("catalogue-2.13")
  void pushAppliesValidatesAndSaves() throws Exception {
    assertThat(post("/conf", config("v2"), "X-Aralez-Key", KEY).statusCode()).isEqualTo(200);
    assertThat(proxied("/").headers().firstValue("X-Version")).hasValue("v2");

    HttpResponse<String> bad =
        post(
            "/conf",
            "provider: file\nx.test:\n  paths:\n    \"/\": {servers: [\"nope\"]}\n",
            "X-Aralez-Key",
            KEY);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("POST /conf:4:").contains("'nope' is not host:port");
    assertThat(proxied("/").headers().firstValue("X-Version")).hasValue("v2");

    // A push without hosts would turn every host into 404: refused, nothing changes.
    HttpResponse<String> empty = post("/conf", "provider: file\n", "X-Aralez-Key", KEY);
    assertThat(empty.statusCode()).isEqualTo(400);
    assertThat(empty.body()).contains("no hosts are configured");
    assertThat(proxied("/").headers().firstValue("X-Version")).hasValue("v2");

    assertThat(post("/conf", config("v3"), "X-Aralez-Key", "wrong").statusCode()).isEqualTo(401);
    assertThat(post("/conf", config("v3")).statusCode()).isEqualTo(401);
    assertThat(proxied("/").headers().firstValue("X-Version")).hasValue("v2");

    // The seed's query form, and ?save writing upstreams_conf.
    assertThat(post("/conf?key=" + KEY + "&save=true", config("v4")).statusCode()).isEqualTo(200);
    assertThat(proxied("/").headers().firstValue("X-Version")).hasValue("v4");
    assertThat(Files.readString(dir.resolve("upstreams.yaml"))).contains("X-Version:v4");

    HttpResponse<String> huge =
        post("/conf", "#" + "x".repeat(5 * 1024 * 1024), "X-Aralez-Key", KEY);
    assertThat(huge.statusCode()).isEqualTo(413);
  }

  @Test
  @Tag("catalogue-2.13")
  void guessingTheKeyGetsSlower() throws Exception {
    for (int i = 0; i < 4; i++) {
      assertThat(post("/conf", config("x"), "X-Aralez-Key", "guess-" + i).statusCode())
          .isEqualTo(401);
    }
    long start = System.nanoTime();
    assertThat(post("/conf", config("x"), "X-Aralez-Key", "guess-again").statusCode())
        .isEqualTo(401);
    assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(700);
    // The right key still works, and resets the delay.
    assertThat(post("/conf", config("v2"), "X-Aralez-Key", KEY).statusCode()).isEqualTo(200);
    start = System.nanoTime();
    assertThat(post("/conf", config("v2"), "X-Aralez-Key", KEY).statusCode()).isEqualTo(200);
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(500);
  }

  @Test
  void issuedTokensOpenJwtRoutes() throws Exception {
    HttpResponse<String> wrong =
        post("/jwt", "{\"master_key\":\"nope\",\"owner\":\"me\",\"valid\":5}");
    assertThat(wrong.statusCode()).isEqualTo(403);
    HttpResponse<String> r =
        post("/jwt", "{\"master_key\":\"" + KEY + "\",\"owner\":\"me\",\"valid\":5}");
    assertThat(r.statusCode()).isEqualTo(201);
    Matcher m = Pattern.compile("\\{\"token\":\"([^\"]+)\"}").matcher(r.body().trim());
    assertThat(m.matches()).isTrue();
    assertThat(proxied("/private").statusCode()).isEqualTo(401);
    assertThat(proxied("/private", "Authorization", "Bearer " + m.group(1)).statusCode())
        .isEqualTo(200);
    assertThat(proxied("/private?araleztoken=" + m.group(1)).statusCode()).isEqualTo(200);
    assertThat(post("/jwt", "{\"master_key\":\"" + KEY + "\",\"exp\":1}").statusCode())
        .isEqualTo(201);
    assertThat(post("/jwt", "not json").statusCode()).isEqualTo(400);
  }

  @Test
  void metricsAreValidPrometheusTextAndCountRequests() throws Exception {
    for (int i = 0; i < 7; i++) {
      assertThat(proxied("/m").statusCode()).isEqualTo(200);
    }
    String text =
        CLIENT
            .send(
                HttpRequest.newBuilder(URI.create(admin + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Pattern sample =
        Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(\\{[^}]*})? -?[0-9.eE+-]+|[+-]Inf|NaN");
    for (String line : text.split("\n")) {
      if (!line.isEmpty() && !line.startsWith("#")) {
        assertThat(line).matches("[a-zA-Z_:][a-zA-Z0-9_:]*(\\{[^}]*})? \\S+");
      }
    }
    Matcher m =
        Pattern.compile(
                "aralez_requests_total\\{host=\"api.test\",method=\"GET\",protocol=\"1.1\",route=\"/\",status_class=\"2xx\"} ([0-9.]+)")
            .matcher(text);
    assertThat(m.find()).as(text).isTrue();
    assertThat(Double.parseDouble(m.group(1))).isGreaterThanOrEqualTo(7);
    assertThat(text)
        .contains("aralez_request_duration_seconds_bucket")
        .contains("aralez_config_reloads_total{result=\"applied\",source=\"file\"}")
        .contains("aralez_config_reloads_total{result=\"rejected\",source=\"api\"}")
        .contains("aralez_backend_up{")
        .contains("aralez_active_connections")
        .contains("jvm_memory_used_bytes")
        .contains("jvm_gc_collections_total{gc=");
    assertThat(sample).isNotNull();
  }
}
