package io.aralez.controller.server;

import io.aralez.api.v1.ConfigDiscoveryGrpc;
import io.aralez.api.v1.DiscoveryRequest;
import io.aralez.api.v1.DiscoveryResponse;
import io.aralez.controller.snapshot.BuildResult;
import io.aralez.controller.store.SnapshotStore;
import io.grpc.stub.StreamObserver;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the {@link SnapshotStore}'s newest snapshot to every connected data plane, and reports
 * what each one runs back to the store. Per stream at most one response is unanswered; snapshots
 * published meanwhile replace each other, so a pod that is slow to ACK gets the newest one next,
 * never a backlog. An answer with an unknown nonce is ignored; a NACKed version is not sent again
 * to that pod (a newer one will be).
 */
public final class SnapshotServer extends ConfigDiscoveryGrpc.ConfigDiscoveryImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotServer.class);

  private final SnapshotStore store;
  private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
  private final AtomicLong nonces = new AtomicLong();

  public SnapshotServer(SnapshotStore store) {
    this.store = store;
    store.onSnapshot(r -> streams.forEach(Stream::offer));
  }

  @Override
  public StreamObserver<DiscoveryRequest> streamConfig(StreamObserver<DiscoveryResponse> out) {
    return new Stream(out);
  }

  private final class Stream implements StreamObserver<DiscoveryRequest> {
    private final StreamObserver<DiscoveryResponse> out;
    private String nodeId = "?";
    private boolean started;
    private String pendingNonce;
    private String sentVersion;
    private String routesVersion = "";
    private String endpointsVersion = "";
    private String lastNack;
    private boolean done;

    Stream(StreamObserver<DiscoveryResponse> out) {
      this.out = out;
    }

    synchronized SnapshotStore.PodView view() {
      return new SnapshotStore.PodView(nodeId, routesVersion + "." + endpointsVersion, lastNack);
    }

    @Override
    public void onNext(DiscoveryRequest req) {
      Boolean ack = null;
      synchronized (this) {
        if (!started) {
          started = true;
          nodeId = req.getNodeId().isEmpty() ? "?" : req.getNodeId();
          routesVersion = req.getRoutesVersion();
          endpointsVersion = req.getEndpointsVersion();
          streams.add(this);
          LOG.info("data plane {} connected (running {})", nodeId, view().appliedVersion());
        } else if (pendingNonce == null || !pendingNonce.equals(req.getResponseNonce())) {
          LOG.debug("{}: stale answer {} ignored", nodeId, req.getResponseNonce());
          return;
        } else {
          pendingNonce = null;
          routesVersion = req.getRoutesVersion();
          endpointsVersion = req.getEndpointsVersion();
          if (req.hasErrorDetail()) {
            ack = false;
            lastNack = req.getErrorDetail().getMessage();
            LOG.warn("data plane {} refused {}: {}", nodeId, sentVersion, lastNack);
          } else {
            ack = true;
            lastNack = null;
            LOG.debug("data plane {} applied {}", nodeId, sentVersion);
          }
        }
      }
      store.pod(this, view(), ack);
      offer();
    }

    /** Sends the newest snapshot if nothing is unanswered and the pod lacks it. */
    synchronized void offer() {
      BuildResult r = store.current();
      if (done || !started || pendingNonce != null || r == null) {
        return;
      }
      String version = r.version();
      if (version.equals(sentVersion) || version.equals(routesVersion + "." + endpointsVersion)) {
        return;
      }
      DiscoveryResponse.Builder res =
          DiscoveryResponse.newBuilder()
              .setVersion(version)
              .setNonce(Long.toString(nonces.incrementAndGet()))
              .setRoutesVersion(r.routesVersion())
              .setEndpointsVersion(r.endpointsVersion());
      // A part the pod already runs is left out: an endpoint change ships endpoints only.
      if (!r.routesVersion().equals(routesVersion)) {
        res.setRoutes(r.routes());
      }
      if (!r.endpointsVersion().equals(endpointsVersion)) {
        res.setEndpoints(r.endpoints());
      }
      DiscoveryResponse msg = res.build();
      pendingNonce = msg.getNonce();
      sentVersion = version;
      try {
        out.onNext(msg);
      } catch (RuntimeException e) {
        LOG.debug("{}: send failed: {}", nodeId, e.toString());
      }
    }

    @Override
    public void onError(Throwable t) {
      close("stream error: " + t);
    }

    @Override
    public void onCompleted() {
      close("stream ended");
      try {
        out.onCompleted();
      } catch (RuntimeException e) {
        // already closed
      }
    }

    private void close(String why) {
      synchronized (this) {
        done = true;
      }
      if (streams.remove(this)) {
        LOG.info("data plane {} disconnected: {}", nodeId, why);
        store.podGone(this);
      }
    }
  }
}
