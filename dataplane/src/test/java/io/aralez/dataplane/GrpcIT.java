package io.aralez.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aralez.dataplane.testing.FreePort;
import io.aralez.dataplane.testing.GrpcEcho;
import io.aralez.dataplane.testing.OpenSsl;
import io.aralez.dataplane.testing.ProxyHarness;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * grpc-java clients calling grpc-java servers through the proxy with no gRPC configuration: over
 * TLS to a TLS (h2) backend, and over h2c to a plaintext (h2c) backend.
 */
class GrpcIT {
  static final int MAX = 16 * 1024 * 1024;
  @TempDir static Path dir;
  static Server plainServer;
  static Server tlsServer;
  static ProxyHarness proxy;
  static int tlsPort;

  @BeforeAll
  static void start() throws Exception {
    Path certs = Files.createDirectories(dir.resolve("certs"));
    OpenSsl.selfSigned(certs, "grpc", "ec", "grpc.test", "grpc-tls.test");
    Path backendCerts = Files.createDirectories(dir.resolve("backend"));
    OpenSsl.selfSigned(backendCerts, "b", "ec", "localhost");
    plainServer =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(GrpcEcho.service())
            .maxInboundMessageSize(MAX)
            .build()
            .start();
    tlsServer =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(GrpcEcho.service())
            .maxInboundMessageSize(MAX)
            .sslContext(
                GrpcSslContexts.forServer(
                        backendCerts.resolve("b.crt").toFile(),
                        backendCerts.resolve("b.key").toFile())
                    .build())
            .build()
            .start();
    tlsPort = FreePort.get();
    proxy =
        ProxyHarness.start(
            dir,
            "proxy_address_tls: 127.0.0.1:"
                + tlsPort
                + "\nproxy_certificates: certs\nhc_interval: 500ms\n",
            "provider: file\n"
                + "grpc.test:\n  paths:\n    \"/\": {servers: [\"127.0.0.1:"
                + plainServer.getPort()
                + "\"]}\n"
                + "grpc-tls.test:\n  paths:\n    \"/\": {servers: [\"127.0.0.1:"
                + tlsServer.getPort()
                + "\"]}\n");
  }

  @AfterAll
  static void stop() {
    proxy.close();
    plainServer.shutdownNow();
    tlsServer.shutdownNow();
  }

  /**
   * Client legs: "h2c" (plain listener, prior knowledge) or "tls" (ALPN h2), each to one backend
   * kind.
   */
  static ManagedChannel channel(String leg, String authority) throws Exception {
    NettyChannelBuilder b;
    if (leg.equals("tls")) {
      b =
          NettyChannelBuilder.forAddress("127.0.0.1", tlsPort)
              .sslContext(
                  GrpcSslContexts.forClient()
                      .trustManager(InsecureTrustManagerFactory.INSTANCE)
                      .build());
    } else {
      b = NettyChannelBuilder.forAddress("127.0.0.1", proxy.port()).usePlaintext();
    }
    return b.overrideAuthority(authority).maxInboundMessageSize(MAX).build();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"tls:grpc.test", "tls:grpc-tls.test", "h2c:grpc.test", "h2c:grpc-tls.test"})
  void allCallTypesLargeMessagesAndErrors(String spec) throws Exception {
    String[] parts = spec.split(":");
    ManagedChannel ch = channel(parts[0], parts[1]);
    try {
      // Unary.
      byte[] hello = "hello".getBytes();
      assertThat(
              ClientCalls.blockingUnaryCall(
                  ch,
                  GrpcEcho.UNARY,
                  CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS),
                  hello))
          .isEqualTo(hello);
      // A 10 MiB message each way.
      byte[] big = new byte[10 * 1024 * 1024];
      for (int i = 0; i < big.length; i++) {
        big[i] = (byte) i;
      }
      assertThat(
              ClientCalls.blockingUnaryCall(
                  ch,
                  GrpcEcho.UNARY,
                  CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS),
                  big))
          .isEqualTo(big);
      // A server error status with its message, carried in trailers.
      assertThatThrownBy(
              () ->
                  ClientCalls.blockingUnaryCall(
                      ch, GrpcEcho.UNARY, CallOptions.DEFAULT, "fail now".getBytes()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(e.getStatus().getDescription()).isEqualTo("no failing allowed");
              });
      // Server streaming.
      List<String> items = new ArrayList<>();
      Iterator<byte[]> it =
          ClientCalls.blockingServerStreamingCall(
              ch, GrpcEcho.SERVER_STREAM, CallOptions.DEFAULT, "50".getBytes());
      it.forEachRemaining(b -> items.add(new String(b)));
      assertThat(items).hasSize(50).startsWith("item-0").endsWith("item-49");
      // Client streaming.
      CompletableFuture<String> total = new CompletableFuture<>();
      StreamObserver<byte[]> up =
          ClientCalls.asyncClientStreamingCall(
              ch.newCall(GrpcEcho.CLIENT_STREAM, CallOptions.DEFAULT),
              observer(total, new ArrayList<>()));
      for (int i = 0; i < 100; i++) {
        up.onNext(new byte[1000]);
      }
      up.onCompleted();
      assertThat(total.get(30, TimeUnit.SECONDS)).isEqualTo("100000");
      // Bidirectional.
      List<String> echoed = new CopyOnWriteArrayList<>();
      CompletableFuture<String> done = new CompletableFuture<>();
      StreamObserver<byte[]> bidi =
          ClientCalls.asyncBidiStreamingCall(
              ch.newCall(GrpcEcho.BIDI, CallOptions.DEFAULT), observer(done, echoed));
      for (int i = 0; i < 20; i++) {
        bidi.onNext(("m" + i).getBytes());
      }
      bidi.onCompleted();
      done.get(30, TimeUnit.SECONDS);
      assertThat(echoed).hasSize(20).startsWith("m0").endsWith("m19");
    } finally {
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @org.junit.jupiter.api.Test
  void cancellationReachesTheServer() throws Exception {
    ManagedChannel ch = channel("h2c", "grpc.test");
    try {
      io.grpc.ClientCall<byte[], byte[]> call =
          ch.newCall(GrpcEcho.SERVER_STREAM, CallOptions.DEFAULT);
      CompletableFuture<String> first = new CompletableFuture<>();
      ClientCalls.asyncServerStreamingCall(
          call,
          "-1".getBytes(),
          new StreamObserver<>() {
            @Override
            public void onNext(byte[] value) {
              first.complete(new String(value));
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {}
          });
      assertThat(first.get(20, TimeUnit.SECONDS)).isEqualTo("tick");
      call.cancel("client is done", null);
      assertThat(GrpcEcho.CANCELLED.await(20, TimeUnit.SECONDS)).isTrue();
    } finally {
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  static StreamObserver<byte[]> observer(CompletableFuture<String> last, List<String> all) {
    return new StreamObserver<>() {
      String latest;

      @Override
      public void onNext(byte[] value) {
        latest = new String(value);
        all.add(latest);
      }

      @Override
      public void onError(Throwable t) {
        last.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        last.complete(latest);
      }
    };
  }
}
