package io.aralez.dataplane.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loopback connections to the plain listener right after it is bound ({@code warm_up_connections}),
 * one at a time on a background thread, so that the JIT has seen what a client connection can do
 * before clients bring connections in bulk — and, above all, the way they leave.
 *
 * <p>One connection in three resets (RST) while the proxy waits for the rest of its request line:
 * the read path's branch for a connection reset while it is reading, which Netty's io_uring read
 * completion otherwise meets first under load when a set of keep-alive clients goes away with
 * responses unread (a load generator's run ending, browsers closing). Compiled without it, that
 * branch is a trap, and its first use deoptimises and recompiles the whole read path (~250 ms of C2
 * on a one-core proxy, the requests in flight waiting), which made the keep-alive p99 of the next
 * window (bench/README.md, "Twenty-sixth session"). A training run's profile does not carry it over
 * (the JIT recompiles from the profile of the running process), so the running process has to see
 * it. The others end with a FIN, half of them with nothing sent, half inside a request line: the
 * accept, pipeline set-up and close paths, at larger counts (bench/README.md, "Twenty-fourth
 * session").
 *
 * <p>No request is ever completed: one connection at a time, none of which takes a place under
 * {@code max_client_connections} (the listener recognises them, ClientConnections), and no route,
 * backend, access log line or request metric sees them (ConnectionWarmUpIT).
 */
final class ConnectionWarmUp {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionWarmUp.class);

  /**
   * A request line without its line end: enough for the listener to tell HTTP/1.1 from HTTP/2 and
   * set up its HTTP/1.1 stage, which then reads on. A connection that ends inside a request line is
   * closed without an answer and without a request (ConnectionWarmUpIT).
   */
  private static final byte[] PARTIAL_REQUEST_LINE =
      "GET /aralez-warm-up HTTP/1.1".getBytes(StandardCharsets.US_ASCII);

  /** How each connection ends, in turn: the reset first, so a small count has it. */
  enum Kind {
    /**
     * The partial request line, then a reset. The bytes stay readable before the reset's error (TCP
     * keeps what was received), so the proxy reads them, sets up its HTTP/1.1 stage and reads on,
     * and that read meets the reset, whenever the event loop gets to the connection.
     */
    RESET_WHILE_READING,
    /** Nothing sent, then a FIN. */
    EMPTY,
    /** The partial request line, then a FIN. */
    PARTIAL_THEN_CLOSE;

    static Kind of(int n) {
      return values()[n % values().length];
    }
  }

  /** Per connection: the connect, and the wait for the proxy's close. */
  private static final int TIMEOUT_MS = 2_000;

  private final InetSocketAddress target;
  private final int connections;
  private final CompletableFuture<Integer> done = new CompletableFuture<>();

  private static final byte[] MAPPED_PREFIX = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff
  };

  /** The local ports of connections made and not yet seen by the listener. */
  private final Set<Integer> unseen = ConcurrentHashMap.newKeySet();

  private volatile boolean stopped;

  private ConnectionWarmUp(InetSocketAddress target, int connections) {
    this.target = target;
    this.connections = connections;
  }

  /**
   * Starts warming the listener bound at {@code bound} with {@code connections} connections (none
   * when 0), which {@code clients} takes in without a place; the result completes with how many
   * went through.
   */
  static ConnectionWarmUp start(
      InetSocketAddress bound, int connections, ClientConnections clients) {
    InetAddress host =
        bound.getAddress() == null || bound.getAddress().isAnyLocalAddress()
            ? InetAddress.getLoopbackAddress()
            : bound.getAddress();
    ConnectionWarmUp w =
        new ConnectionWarmUp(new InetSocketAddress(host, bound.getPort()), connections);
    if (connections <= 0) {
      w.done.complete(0);
      return w;
    }
    clients.notCounting(w::own);
    Thread t = new Thread(w::run, "aralez-warm-up");
    t.setDaemon(true);
    t.start();
    return w;
  }

  /**
   * Whether the listener's new connection from {@code peer} is one of ours (each is recognised
   * once: a later client that gets the same port from the system is not).
   */
  boolean own(SocketAddress peer) {
    return !unseen.isEmpty()
        && peer instanceof InetSocketAddress a
        && loopback(a.getAddress())
        && unseen.remove(a.getPort());
  }

  /** Loopback, also as a dual-stack listener sees IPv4's (::ffff:127.x.x.x). */
  private static boolean loopback(InetAddress a) {
    if (a == null) {
      return false;
    }
    if (a.isLoopbackAddress()) {
      return true;
    }
    byte[] b = a.getAddress(); // ::ffff:127.x.x.x: ten zero bytes, 0xffff, then 127
    return b.length == 16 && Arrays.equals(b, 0, 12, MAPPED_PREFIX, 0, 12) && b[12] == 127;
  }

  /** How many connections went through, once the warm-up ended. */
  CompletableFuture<Integer> done() {
    return done;
  }

  /** Ends the warm-up after the connection in progress (the listener is closing). */
  void stop() {
    stopped = true;
  }

  private void run() {
    long began = System.nanoTime();
    int n = 0;
    byte[] sink = new byte[256];
    try {
      for (; n < connections && !stopped; n++) {
        once(Kind.of(n), sink);
      }
      LOG.info(
          "connection warm-up: {} connections to {} in {} ms",
          n,
          target,
          (System.nanoTime() - began) / 1_000_000);
    } catch (IOException e) {
      // The listener closed, or refused a connection (its cap reached by real clients): the
      // warm-up is an optimisation, never a reason to fail.
      LOG.debug("connection warm-up stopped after {} connections: {}", n, e.toString());
    } finally {
      unseen.clear(); // what the listener never accepted
      done.complete(n);
    }
  }

  private void once(Kind kind, byte[] sink) throws IOException {
    try (Socket s = new Socket()) {
      s.setSoTimeout(TIMEOUT_MS);
      // Bound first, so the listener can tell it is ours as soon as it accepts it.
      s.bind(new InetSocketAddress(target.getAddress(), 0));
      unseen.add(s.getLocalPort());
      s.connect(target, TIMEOUT_MS);
      if (kind != Kind.EMPTY) {
        s.getOutputStream().write(PARTIAL_REQUEST_LINE);
      }
      if (kind == Kind.RESET_WHILE_READING) {
        s.setSoLinger(true, 0); // the close below is then a reset
        return;
      }
      s.shutdownOutput();
      InputStream in = s.getInputStream();
      while (in.read(sink) >= 0) {
        // Nothing is expected; whatever comes is read so that the close is the proxy's.
      }
    }
  }
}
