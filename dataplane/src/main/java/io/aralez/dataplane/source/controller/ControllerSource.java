package io.aralez.dataplane.source.controller;

import io.aralez.api.v1.ConfigDiscoveryGrpc;
import io.aralez.api.v1.DiscoveryRequest;
import io.aralez.api.v1.DiscoveryResponse;
import io.aralez.api.v1.EndpointSnapshot;
import io.aralez.api.v1.ErrorDetail;
import io.aralez.dataplane.config.ConfigException;
import io.aralez.dataplane.config.ProxyConfig;
import io.aralez.dataplane.runtime.Candidate;
import io.aralez.dataplane.runtime.ConfigIntake;
import io.aralez.dataplane.source.ConfigSource;
import io.aralez.dataplane.source.SourceThreads;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data plane's end of the controller stream. Each response is translated and handed to the one
 * {@link ConfigIntake}, then answered: ACK with the new versions, or NACK with the versions kept
 * and the reason. When the stream breaks, the last good config keeps serving and a new stream is
 * opened after a jittered, growing delay; it tells the controller what this pod already runs, so
 * nothing is sent twice.
 *
 * <p>Everything runs on one thread of its own (gRPC callbacks included), so the held parts are
 * never touched concurrently and the event loops never translate or compile.
 */
public final class ControllerSource implements ConfigSource {
  private static final Logger LOG = LoggerFactory.getLogger(ControllerSource.class);
  static final Duration MIN_BACKOFF = Duration.ofMillis(250);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(15);
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final ControllerSettings settings;
  private ConfigIntake intake;
  private final ScheduledExecutorService thread = SourceThreads.single("aralez-controller-stream");
  private ManagedChannel channel;
  private StreamObserver<DiscoveryRequest> requests;
  private long attempt;
  private volatile boolean closed;
  private volatile boolean connected;
  // The parts this pod runs; touched only on `thread`.
  private SnapshotTranslator.CompiledRoutes routes;
  private String routesVersion = "";
  private EndpointSnapshot endpoints;
  private String endpointsVersion = "";

  public ControllerSource(ControllerSettings settings) {
    this.settings = settings;
  }

  /** Opens the first stream; returns at once. The proxy answers 404 until a snapshot arrives. */
  @Override
  public void start(ConfigIntake intake) throws IOException {
    this.intake = intake;
    NettyChannelBuilder b =
        NettyChannelBuilder.forAddress(settings.controller().host(), settings.controller().port())
            .executor(thread)
            .keepAliveTime(30, TimeUnit.SECONDS)
            .keepAliveTimeout(10, TimeUnit.SECONDS)
            .maxInboundMessageSize(256 * 1024 * 1024);
    if (settings.caFile() != null) {
      b.sslContext(GrpcSslContexts.forClient().trustManager(settings.caFile().toFile()).build());
    } else {
      b.usePlaintext();
    }
    channel = b.build();
    LOG.info(
        "config from controller {} as {} ({})",
        settings.controller(),
        settings.nodeId(),
        settings.caFile() != null ? "TLS" : "plaintext");
    thread.execute(this::connect);
  }

  /** Whether the current stream has delivered a response (false while reconnecting). */
  public boolean connected() {
    return connected;
  }

  private void connect() {
    if (closed) {
      return;
    }
    ConfigDiscoveryGrpc.ConfigDiscoveryStub stub =
        ConfigDiscoveryGrpc.newStub(channel).withCallCredentials(new Token());
    Responses responses = new Responses();
    requests = stub.streamConfig(responses);
    responses.own = requests;
    requests.onNext(answer("", null));
  }

  private DiscoveryRequest answer(String nonce, String error) {
    DiscoveryRequest.Builder r =
        DiscoveryRequest.newBuilder()
            .setNodeId(settings.nodeId())
            .setResponseNonce(nonce)
            .setRoutesVersion(routesVersion)
            .setEndpointsVersion(endpointsVersion);
    if (error != null) {
      r.setErrorDetail(ErrorDetail.newBuilder().setMessage(error));
    }
    return r.build();
  }

  /**
   * Applies one response; returns null on success, else why it was refused. A routes part is
   * checked and translated only when it is new; an endpoints-only response reuses it.
   */
  private String apply(DiscoveryResponse res) {
    SnapshotTranslator.CompiledRoutes r = null;
    EndpointSnapshot e = res.hasEndpoints() ? res.getEndpoints() : null;
    if (e == null && res.getEndpointsVersion().equals(endpointsVersion)) {
      e = endpoints;
    }
    if (!res.hasRoutes() && res.getRoutesVersion().equals(routesVersion)) {
      r = routes;
    }
    if ((r == null && !res.hasRoutes()) || e == null) {
      return "response " + res.getVersion() + " leaves out a part this pod does not have";
    }
    String origin = "controller " + settings.controller();
    Candidate candidate;
    try {
      if (r == null) {
        r = SnapshotTranslator.compile(res.getRoutes(), res.getVersion());
      }
      ProxyConfig config = SnapshotTranslator.bind(r, e, res.getVersion());
      candidate = Candidate.of(Candidate.Kind.CONTROLLER, origin, config, List.of());
    } catch (ConfigException ex) {
      candidate = Candidate.failed(Candidate.Kind.CONTROLLER, origin, ex.getMessage());
    } catch (RuntimeException ex) {
      // A translator bug must cost one snapshot, never the stream or the running config.
      LOG.error("snapshot {} could not be translated", res.getVersion(), ex);
      candidate = Candidate.failed(Candidate.Kind.CONTROLLER, origin, "internal error: " + ex);
    }
    ConfigIntake.Outcome outcome = intake.offer(candidate);
    if (!outcome.accepted()) {
      return outcome.reason();
    }
    routes = r;
    routesVersion = res.getRoutesVersion();
    endpoints = e;
    endpointsVersion = res.getEndpointsVersion();
    return null;
  }

  private void reconnectLater(Status status) {
    connected = false;
    if (closed) {
      return;
    }
    long base = Math.min(MAX_BACKOFF.toMillis(), MIN_BACKOFF.toMillis() << Math.min(attempt, 6));
    attempt++;
    // Jitter keeps a fleet of pods from reconnecting in step after a controller restart.
    long delay = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
    LOG.warn(
        "controller stream closed ({}): serving config {} and reconnecting in {} ms",
        status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription()),
        intake.holder().current().config().version(),
        delay);
    thread.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    closed = true;
    thread.execute(
        () -> {
          if (requests != null) {
            try {
              requests.onCompleted();
            } catch (RuntimeException e) {
              // already broken
            }
          }
        });
    if (channel != null) {
      channel.shutdownNow();
    }
    thread.shutdown();
  }

  private final class Responses implements StreamObserver<DiscoveryResponse> {
    StreamObserver<DiscoveryRequest> own;

    @Override
    public void onNext(DiscoveryResponse res) {
      if (own != requests) {
        return;
      }
      connected = true;
      attempt = 0;
      String error;
      try {
        error = apply(res);
      } catch (RuntimeException ex) {
        LOG.error("snapshot {} could not be applied", res.getVersion(), ex);
        error = "internal error: " + ex;
      }
      if (error == null) {
        LOG.debug("ACK {} ({})", res.getVersion(), res.getNonce());
      } else {
        LOG.warn("NACK {}: {}", res.getVersion(), error);
      }
      own.onNext(answer(res.getNonce(), error));
    }

    @Override
    public void onError(Throwable t) {
      if (own == requests) {
        reconnectLater(Status.fromThrowable(t));
      }
    }

    @Override
    public void onCompleted() {
      if (own == requests) {
        own.onCompleted();
        reconnectLater(Status.UNAVAILABLE.withDescription("the controller ended the stream"));
      }
    }
  }

  /** The bearer token, read at every call so a rotated Secret is used without a restart. */
  private final class Token extends CallCredentials {
    @Override
    public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
      Metadata headers = new Metadata();
      if (settings.tokenFile() != null) {
        try {
          String token = Files.readString(settings.tokenFile(), StandardCharsets.UTF_8).strip();
          headers.put(AUTHORIZATION, "Bearer " + token);
        } catch (IOException e) {
          applier.fail(
              Status.UNAUTHENTICATED.withDescription(
                  "cannot read token " + settings.tokenFile() + ": " + e.getMessage()));
          return;
        }
      }
      applier.apply(headers);
    }
  }
}
