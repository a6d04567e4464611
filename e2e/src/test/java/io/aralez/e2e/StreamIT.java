package io.aralez.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aralez.api.v1.ClusterEndpoints;
import io.aralez.api.v1.ConfigDiscoveryGrpc;
import io.aralez.api.v1.DiscoveryRequest;
import io.aralez.api.v1.DiscoveryResponse;
import io.aralez.api.v1.Endpoint;
import io.aralez.api.v1.EndpointSnapshot;
import io.aralez.api.v1.PathMatch;
import io.aralez.api.v1.Route;
import io.aralez.api.v1.RouteSnapshot;
import io.aralez.api.v1.VirtualHost;
import io.aralez.api.v1.WeightedCluster;
import io.aralez.controller.server.SnapshotServer;
import io.aralez.controller.server.TokenAuth;
import io.aralez.controller.snapshot.BuildResult;
import io.aralez.controller.store.SnapshotStore;
import io.aralez.dataplane.config.HostPort;
import io.aralez.dataplane.runtime.ConfigHolder;
import io.aralez.dataplane.runtime.ConfigIntake;
import io.aralez.dataplane.source.controller.ControllerSettings;
import io.aralez.dataplane.source.controller.ControllerSource;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The controller's snapshot server and the data plane's source over a real gRPC stream. */
class StreamIT {
  @TempDir Path dir;
  Path token;
  SnapshotStore snapshots;
  Server server;
  int port;

  @BeforeEach
  void start() throws Exception {
    token = dir.resolve("token");
    Files.writeString(token, "s3cret-token-value\n");
    snapshots = new SnapshotStore();
    server = startServer(0);
    port = server.getPort();
  }

  Server startServer(int p) throws Exception {
    return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", p))
        .addService(
            ServerInterceptors.intercept(new SnapshotServer(snapshots), new TokenAuth(token)))
        .build()
        .start();
  }

  @AfterEach
  void stop() {
    server.shutdownNow();
  }

  /** A snapshot routing host h.example.com to the given endpoint ports. */
  static BuildResult snapshot(
      String host, String routesVersion, String endpointsVersion, int... ports) {
    RouteSnapshot routes =
        RouteSnapshot.newBuilder()
            .addVirtualHosts(
                VirtualHost.newBuilder()
                    .setName(host)
                    .addRoutes(
                        Route.newBuilder()
                            .setId("ns/Ingress/a/0/0")
                            .setPath(PathMatch.newBuilder().setValue("/"))
                            .addBackends(
                                WeightedCluster.newBuilder().setCluster("ns/a:80").setWeight(1))))
            .addClusters(io.aralez.api.v1.Cluster.newBuilder().setName("ns/a:80"))
            .build();
    ClusterEndpoints.Builder ce = ClusterEndpoints.newBuilder().setCluster("ns/a:80");
    for (int p : ports) {
      ce.addEndpoints(Endpoint.newBuilder().setAddress("127.0.0.1").setPort(p));
    }
    return new BuildResult(
        routes,
        routesVersion,
        EndpointSnapshot.newBuilder().addClusters(ce).build(),
        endpointsVersion,
        new TreeMap<>());
  }

  ControllerSource source(ConfigHolder holder) throws Exception {
    ControllerSource s =
        new ControllerSource(
            new ControllerSettings(HostPort.parse("127.0.0.1:" + port), token, null, "pod-1"));
    intake = new ConfigIntake(holder);
    s.start(intake);
    return s;
  }

  private ConfigIntake intake;

  @Test
  @Tag("catalogue-2.13")
  void ackAppliesAndNackKeepsTheOldVersion() throws Exception {
    ConfigHolder holder = new ConfigHolder();
    snapshots.publish(snapshot("h.example.com", "r1", "e1", 9001));
    try (ControllerSource source = source(holder)) {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> "r1.e1".equals(holder.current().config().version()));
      await()
          .until(
              () ->
                  snapshots.pods().size() == 1
                      && snapshots.pods().get(0).appliedVersion().equals("r1.e1"));
      assertThat(holder.current().router().route("h.example.com", "/")).isNotNull();

      // An invalid host name: the pod refuses it whole and keeps serving r1.
      snapshots.publish(snapshot("Not A Host!", "r2", "e1", 9001));
      await().until(() -> snapshots.nacks() == 1);
      assertThat(holder.current().config().version()).isEqualTo("r1.e1");
      assertThat(intake.rejectedCount()).isEqualTo(1);
      assertThat(snapshots.pods().get(0).appliedVersion()).isEqualTo("r1.e1");
      assertThat(snapshots.pods().get(0).lastNack()).contains("Not A Host!");

      // An endpoint-only change ships without the routes and applies.
      snapshots.publish(snapshot("h.example.com", "r1", "e2", 9001, 9002));
      await().until(() -> "r1.e2".equals(holder.current().config().version()));
      assertThat(holder.current().router().route("h.example.com", "/").size()).isEqualTo(2);
      assertThat(snapshots.acks()).isEqualTo(2);
    }
  }

  @Test
  @Tag("catalogue-2.13")
  void onlyTheNewestSnapshotIsSentAfterASlowAckAndStaleNoncesAreIgnored() throws Exception {
    snapshots.publish(snapshot("h.example.com", "r1", "e1", 9001));
    ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      LinkedBlockingQueue<DiscoveryResponse> got = new LinkedBlockingQueue<>();
      StreamObserver<DiscoveryRequest> req =
          authed(ch, "s3cret-token-value").streamConfig(collect(got, null));
      req.onNext(DiscoveryRequest.newBuilder().setNodeId("slow").build());
      DiscoveryResponse first = got.poll(10, TimeUnit.SECONDS);
      assertThat(first.getVersion()).isEqualTo("r1.e1");
      assertThat(first.hasRoutes()).isTrue();
      // Two more snapshots while the first is unanswered: nothing is sent yet.
      snapshots.publish(snapshot("h.example.com", "r2", "e1", 9001));
      snapshots.publish(snapshot("h.example.com", "r3", "e1", 9001));
      assertThat(got.poll(300, TimeUnit.MILLISECONDS)).isNull();
      // A stale nonce changes nothing.
      req.onNext(DiscoveryRequest.newBuilder().setResponseNonce("no-such-nonce").build());
      assertThat(got.poll(300, TimeUnit.MILLISECONDS)).isNull();
      // The ACK brings the newest one, r3, never r2; the endpoints it has are left out.
      req.onNext(ack(first));
      DiscoveryResponse next = got.poll(10, TimeUnit.SECONDS);
      assertThat(next.getVersion()).isEqualTo("r3.e1");
      assertThat(next.hasRoutes()).isTrue();
      assertThat(next.hasEndpoints()).isFalse();
      req.onNext(ack(next));
      assertThat(got.poll(300, TimeUnit.MILLISECONDS)).isNull();
      req.onCompleted();
    } finally {
      ch.shutdownNow();
    }
  }

  @Test
  void aReconnectingPodGetsOnlyWhatItLacks() throws Exception {
    snapshots.publish(snapshot("h.example.com", "r1", "e9", 9001));
    ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      LinkedBlockingQueue<DiscoveryResponse> got = new LinkedBlockingQueue<>();
      StreamObserver<DiscoveryRequest> req =
          authed(ch, "s3cret-token-value").streamConfig(collect(got, null));
      req.onNext(
          DiscoveryRequest.newBuilder()
              .setNodeId("back")
              .setRoutesVersion("r1")
              .setEndpointsVersion("e1")
              .build());
      DiscoveryResponse res = got.poll(10, TimeUnit.SECONDS);
      assertThat(res.getVersion()).isEqualTo("r1.e9");
      assertThat(res.hasRoutes()).isFalse();
      assertThat(res.hasEndpoints()).isTrue();
      req.onCompleted();
    } finally {
      ch.shutdownNow();
    }
  }

  @Test
  @Tag("catalogue-3")
  void theDataPlaneReconnectsAndConvergesKeepingItsConfigMeanwhile() throws Exception {
    ConfigHolder holder = new ConfigHolder();
    snapshots.publish(snapshot("h.example.com", "r1", "e1", 9001));
    try (ControllerSource source = source(holder)) {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> "r1.e1".equals(holder.current().config().version()));
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).until(() -> !source.connected());
      assertThat(holder.current().config().version()).isEqualTo("r1.e1");
      snapshots.publish(snapshot("h.example.com", "r1", "e2", 9001, 9003));
      server = startServer(port);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> "r1.e2".equals(holder.current().config().version()));
      assertThat(source.connected()).isTrue();
    }
  }

  @Test
  @Tag("catalogue-2.14")
  void overTlsWithTheControllersCaAndNotReadyBeforeTheFirstSnapshot() throws Exception {
    Path crt = dir.resolve("controller.crt");
    Path key = dir.resolve("controller.key");
    Fixtures.selfSigned(crt, key, "127.0.0.1", "IP:127.0.0.1");
    Server tls =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .useTransportSecurity(crt.toFile(), key.toFile())
            .addService(
                ServerInterceptors.intercept(new SnapshotServer(snapshots), new TokenAuth(token)))
            .build()
            .start();
    ConfigHolder holder = new ConfigHolder();
    try (ControllerSource source =
        new ControllerSource(
            new ControllerSettings(
                HostPort.parse("127.0.0.1:" + tls.getPort()), token, crt, "pod-tls"))) {
      source.start(new ConfigIntake(holder));
      // The stream is up (the server knows the pod) but no snapshot exists yet.
      await().atMost(Duration.ofSeconds(10)).until(() -> snapshots.pods().size() == 1);
      assertThat(holder.loaded()).as("not ready before the first snapshot").isFalse();
      snapshots.publish(snapshot("h.example.com", "r1", "e1", 9001));
      await().atMost(Duration.ofSeconds(10)).until(holder::loaded);
      assertThat(holder.current().config().version()).isEqualTo("r1.e1");
    } finally {
      tls.shutdownNow();
    }
  }

  @Test
  @Tag("catalogue-2.14")
  void unauthenticatedClientsAreRefused() throws Exception {
    snapshots.publish(snapshot("h.example.com", "r1", "e1", 9001));
    ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      for (String t : new String[] {null, "wrong", "s3cret-token-valu"}) {
        LinkedBlockingQueue<DiscoveryResponse> got = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<Status> errors = new LinkedBlockingQueue<>();
        var stub = t == null ? ConfigDiscoveryGrpc.newStub(ch) : authed(ch, t);
        StreamObserver<DiscoveryRequest> req = stub.streamConfig(collect(got, errors));
        req.onNext(DiscoveryRequest.newBuilder().setNodeId("intruder").build());
        Status s = errors.poll(10, TimeUnit.SECONDS);
        assertThat(s).isNotNull();
        assertThat(s.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(got).isEmpty();
      }
      assertThat(snapshots.pods()).isEmpty();
    } finally {
      ch.shutdownNow();
    }
  }

  static DiscoveryRequest ack(DiscoveryResponse r) {
    return DiscoveryRequest.newBuilder()
        .setResponseNonce(r.getNonce())
        .setRoutesVersion(r.getRoutesVersion())
        .setEndpointsVersion(r.getEndpointsVersion())
        .build();
  }

  static ConfigDiscoveryGrpc.ConfigDiscoveryStub authed(ManagedChannel ch, String token) {
    Metadata m = new Metadata();
    m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return ConfigDiscoveryGrpc.newStub(ch)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m));
  }

  static StreamObserver<DiscoveryResponse> collect(
      LinkedBlockingQueue<DiscoveryResponse> got, LinkedBlockingQueue<Status> errors) {
    return new StreamObserver<>() {
      @Override
      public void onNext(DiscoveryResponse value) {
        got.add(value);
      }

      @Override
      public void onError(Throwable t) {
        if (errors != null) {
          errors.add(Status.fromThrowable(t));
        }
      }

      @Override
      public void onCompleted() {}
    };
  }
}
