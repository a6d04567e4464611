package io.aralez.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.dataplane.testing.ProxyHarness;
import io.aralez.dataplane.testing.WsEchoBackend;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** WebSocket (ws and wss) through the proxy with the JDK's client against a Netty echo server. */
@Tag("catalogue-2.7")
class WebSocketIT {
  @TempDir static Path dir;
  static WsEchoBackend backend;
  static ProxyHarness proxy;

  @BeforeAll
  static void start() throws Exception {
    backend = new WsEchoBackend();
    proxy =
        ProxyHarness.startWithTls(
            dir,
            "",
            "provider: file\nDEFAULT:\n  paths:\n    \"/\": {servers: [\""
                + backend.address()
                + "\"]}\n");
  }

  @AfterAll
  static void stop() {
    proxy.close();
    backend.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "wss"})
  void echoesThousandMessagesAndFiveMebibytes(String scheme) throws Exception {
    SSLContext trustAll = SSLContext.getInstance("TLS");
    trustAll.init(null, new TrustManager[] {new TrustAll()}, null);
    HttpClient client = HttpClient.newBuilder().sslContext(trustAll).build();
    int port = scheme.equals("ws") ? proxy.port() : proxy.tlsPort();
    List<String> texts = new CopyOnWriteArrayList<>();
    CompletableFuture<byte[]> binary = new CompletableFuture<>();
    CompletableFuture<Void> thousand = new CompletableFuture<>();
    WebSocket ws =
        client
            .newWebSocketBuilder()
            .buildAsync(
                URI.create(scheme + "://localhost:" + port + "/ws"),
                new WebSocket.Listener() {
                  final StringBuilder text = new StringBuilder();
                  final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

                  @Override
                  public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                    text.append(data);
                    if (last) {
                      texts.add(text.toString());
                      text.setLength(0);
                      if (texts.size() == 1000) {
                        thousand.complete(null);
                      }
                    }
                    w.request(1);
                    return null;
                  }

                  @Override
                  public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
                    byte[] chunk = new byte[data.remaining()];
                    data.get(chunk);
                    bytes.writeBytes(chunk);
                    if (last) {
                      binary.complete(bytes.toByteArray());
                    }
                    w.request(1);
                    return null;
                  }
                })
            .get(20, TimeUnit.SECONDS);
    for (int i = 0; i < 1000; i++) {
      ws.sendText("message " + i, true).get(10, TimeUnit.SECONDS);
    }
    thousand.get(30, TimeUnit.SECONDS);
    assertThat(texts).hasSize(1000).startsWith("message 0").endsWith("message 999");
    byte[] big = new byte[5 * 1024 * 1024];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31);
    }
    ws.sendBinary(ByteBuffer.wrap(big), true).get(30, TimeUnit.SECONDS);
    assertThat(binary.get(60, TimeUnit.SECONDS)).isEqualTo(big);
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
  }

  /** Test-only: trusts the proxy's self-signed certificate whatever the name. */
  static final class TrustAll extends javax.net.ssl.X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket s) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket s) {}

    @Override
    public void checkClientTrusted(
        X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine e) {}

    @Override
    public void checkServerTrusted(
        X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine e) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
