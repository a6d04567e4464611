package io.aralez.dataplane.fileserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.dataplane.net.Transport;
import io.aralez.dataplane.testing.Curl;
import io.aralez.dataplane.testing.RawHttp;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The static file server with curl and raw sockets. */
@Tag("catalogue-2.11")
class FileServerIT {
  @TempDir static Path tmp;
  static FileServer server;
  static String base;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("www"));
    Files.writeString(root.resolve("index.html"), "<h1>home</h1>");
    Files.writeString(root.resolve("style.css"), "body{}");
    Files.createDirectories(root.resolve("docs"));
    Files.writeString(root.resolve("docs/index.html"), "<p>docs</p>");
    Files.createDirectories(root.resolve("empty"));
    Files.writeString(root.resolve("digits.txt"), "0123456789");
    // A one-digit day: IMF-fixdate pads it ("03"), RFC_1123_DATE_TIME would not.
    Files.setLastModifiedTime(
        root.resolve("digits.txt"),
        java.nio.file.attribute.FileTime.from(java.time.Instant.parse("2026-12-03T08:09:10Z")));
    Files.writeString(root.resolve(".env"), "SECRET=1");
    Files.writeString(tmp.resolve("outside.txt"), "outside secret");
    Files.createSymbolicLink(root.resolve("escape"), tmp);
    Files.createSymbolicLink(root.resolve("escape.txt"), tmp.resolve("outside.txt"));
    Files.createSymbolicLink(root.resolve("inside.txt"), root.resolve("digits.txt"));
    server =
        FileServer.start(Transport.detect(), new InetSocketAddress("127.0.0.1", 0), root, false);
    port = server.address().getPort();
    base = "http://127.0.0.1:" + port;
  }

  @AfterAll
  static void stop() {
    server.stop();
  }

  @Test
  void servesIndexAndContentTypes() throws Exception {
    Curl.Result r = Curl.run("-i", base + "/");
    assertThat(r.out())
        .startsWith("HTTP/1.1 200")
        .contains("content-type: text/html; charset=utf-8")
        .endsWith("<h1>home</h1>");
    assertThat(Curl.run("-i", base + "/style.css").out()).contains("content-type: text/css");
    assertThat(Curl.run(base + "/docs/").out()).isEqualTo("<p>docs</p>");
    Curl.Result dir = Curl.run("-i", base + "/docs?x=1");
    assertThat(dir.out()).startsWith("HTTP/1.1 301").contains("location: /docs/?x=1");
  }

  @Test
  void noListingAndNoHiddenFiles() throws Exception {
    assertThat(Curl.run("-o", "/dev/null", "-w", "%{http_code}", base + "/empty/").out())
        .isEqualTo("404");
    assertThat(Curl.run("-o", "/dev/null", "-w", "%{http_code}", base + "/.env").out())
        .isEqualTo("404");
    assertThat(Curl.run("-o", "/dev/null", "-w", "%{http_code}", base + "/missing").out())
        .isEqualTo("404");
  }

  @Test
  void rangesAndValidators() throws Exception {
    Curl.Result r = Curl.run("-i", "-H", "Range: bytes=2-4", base + "/digits.txt");
    assertThat(r.out())
        .startsWith("HTTP/1.1 206")
        .contains("content-range: bytes 2-4/10")
        .endsWith("234");
    assertThat(Curl.run("-H", "Range: bytes=-3", base + "/digits.txt").out()).isEqualTo("789");
    assertThat(Curl.run("-H", "Range: bytes=7-", base + "/digits.txt").out()).isEqualTo("789");
    Curl.Result bad = Curl.run("-i", "-H", "Range: bytes=50-", base + "/digits.txt");
    assertThat(bad.out()).startsWith("HTTP/1.1 416").contains("content-range: bytes */10");
    assertThat(Curl.run("-H", "Range: bytes=0-1,3-4", base + "/digits.txt").out())
        .isEqualTo("0123456789");

    Curl.Result full = Curl.run("-i", base + "/digits.txt");
    String etag = header(full.out(), "etag");
    String lastModified = header(full.out(), "last-modified");
    assertThat(etag).startsWith("\"");
    assertThat(lastModified).isEqualTo("Thu, 03 Dec 2026 08:09:10 GMT");
    assertThat(full.out()).contains("accept-ranges: bytes");
    assertThat(Curl.run("-i", "-H", "If-None-Match: " + etag, base + "/digits.txt").out())
        .startsWith("HTTP/1.1 304");
    assertThat(
            Curl.run("-i", "-H", "If-Modified-Since: " + lastModified, base + "/digits.txt").out())
        .startsWith("HTTP/1.1 304");
    assertThat(Curl.run("-i", "-H", "If-None-Match: \"other\"", base + "/digits.txt").out())
        .startsWith("HTTP/1.1 200");
    assertThat(
            Curl.run("-H", "Range: bytes=0-1", "-H", "If-Range: \"stale\"", base + "/digits.txt")
                .out())
        .isEqualTo("0123456789");
  }

  @Test
  void onlyGetAndHead() throws Exception {
    Curl.Result r = Curl.run("-i", "-X", "POST", base + "/digits.txt");
    assertThat(r.out()).startsWith("HTTP/1.1 405").contains("allow: GET, HEAD");
    Curl.Result head = Curl.run("-I", base + "/digits.txt");
    assertThat(head.out()).startsWith("HTTP/1.1 200").contains("content-length: 10");
  }

  @Test
  void nothingOutsideTheRootIsEverServed() throws Exception {
    String[] attacks = {
      "/../outside.txt",
      "/%2e%2e/outside.txt",
      "/%2e%2e%2foutside.txt",
      "/..%5c..%5coutside.txt",
      "/docs/..;/..;/outside.txt",
      "/%c0%ae%c0%ae/outside.txt",
      "/digits.txt%00.png",
      "//etc/passwd",
      "/escape/outside.txt",
      "/escape.txt",
      "/docs/../../outside.txt",
    };
    for (String path : attacks) {
      try (RawHttp raw = new RawHttp(port)) {
        String res =
            raw.send("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .readAll(2000);
        assertThat(res).as(path).matches("(?s)HTTP/1\\.1 (400|404) .*");
        assertThat(res).as(path).doesNotContain("outside secret").doesNotContain("root:");
      }
    }
    // A link that stays inside the root is fine.
    assertThat(Curl.run(base + "/inside.txt").out()).isEqualTo("0123456789");
  }

  private static String header(String response, String name) {
    for (String line : response.split("\r\n")) {
      if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
        return line.substring(name.length() + 1).trim();
      }
    }
    return null;
  }
}
