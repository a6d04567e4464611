package io.aralez.controller.acme;

import io.aralez.acme.Challenges;
import io.aralez.controller.snapshot.BuildResult;
import io.aralez.controller.store.SnapshotStore;
import io.aralez.controller.store.SnapshotStore.PodView;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * HTTP-01 answers in the route snapshot. The leader's orders publish here; every build adds the
 * board to the snapshot, so every data plane answers the challenge on its plain listener. {@link
 * #publish} returns only once every connected data plane has acknowledged a snapshot holding the
 * token (the CA may look at any of them), or fails after the timeout. With several replicas the
 * leader's tokens reach the others through {@link SharedChallenges}.
 */
public final class ChallengeBoard implements Challenges {
  private final SortedMap<String, String> own = new TreeMap<>();
  private volatile SortedMap<String, String> others = new TreeMap<>();
  private final Map<String, Set<String>> versionsWith = new ConcurrentHashMap<>();
  private final Supplier<List<PodView>> pods;
  private final Runnable changed;
  private final Duration ackTimeout;
  private volatile SharedChallenges shared;

  /**
   * @param pods every data plane (of every replica) with the version it runs
   * @param changed asks for a routes rebuild
   */
  public ChallengeBoard(
      SnapshotStore store, Supplier<List<PodView>> pods, Runnable changed, Duration ackTimeout) {
    this.pods = pods;
    this.changed = changed;
    this.ackTimeout = ackTimeout;
    store.onSnapshot(this::published);
  }

  void share(SharedChallenges s) {
    this.shared = s;
  }

  /** What the next snapshot serves: this replica's tokens and the leader's. */
  public synchronized SortedMap<String, String> current() {
    SortedMap<String, String> all = new TreeMap<>(others);
    all.putAll(own);
    return all;
  }

  /** The leader's tokens as another replica sees them. */
  void othersChanged(SortedMap<String, String> tokens) {
    if (!tokens.equals(others)) {
      others = tokens;
      changed.run();
    }
  }

  private void published(BuildResult r) {
    for (var c : r.routes().getAcmeChallengesList()) {
      versionsWith
          .computeIfAbsent(c.getToken(), t -> ConcurrentHashMap.newKeySet())
          .add(r.routesVersion());
    }
  }

  @Override
  public void publish(String token, String keyAuthorization)
      throws InterruptedException, IOException {
    SortedMap<String, String> mine;
    synchronized (this) {
      own.put(token, keyAuthorization);
      mine = new TreeMap<>(own);
    }
    SharedChallenges s = shared;
    if (s != null) {
      s.write(mine);
    }
    changed.run();
    long deadline = System.nanoTime() + ackTimeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (servedEverywhere(token)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IOException(
        "the data planes did not acknowledge the challenge within "
            + ackTimeout.toSeconds()
            + " s ("
            + describe(token)
            + ")");
  }

  private boolean servedEverywhere(String token) {
    List<PodView> all = pods.get();
    Set<String> versions = versionsWith.get(token);
    if (all.isEmpty() || versions == null) {
      return false;
    }
    for (PodView p : all) {
      if (!versions.contains(routesPart(p.appliedVersion()))) {
        return false;
      }
    }
    return true;
  }

  private String describe(String token) {
    List<PodView> all = pods.get();
    if (all.isEmpty()) {
      return "no data plane is connected";
    }
    Set<String> versions = versionsWith.getOrDefault(token, Set.of());
    long ok = all.stream().filter(p -> versions.contains(routesPart(p.appliedVersion()))).count();
    return ok + " of " + all.size() + " data planes serve it";
  }

  private static String routesPart(String version) {
    int dot = version == null ? -1 : version.indexOf('.');
    return dot < 0 ? String.valueOf(version) : version.substring(0, dot);
  }

  @Override
  public void withdraw(String token) {
    SortedMap<String, String> mine;
    synchronized (this) {
      if (own.remove(token) == null) {
        return;
      }
      mine = new TreeMap<>(own);
    }
    versionsWith.remove(token);
    SharedChallenges s = shared;
    if (s != null) {
      s.write(mine);
    }
    changed.run();
  }
}
