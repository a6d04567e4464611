package io.aralez.dataplane.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loopback connections to the plain listener right after it is bound ({@code warm_up_connections}),
 * one at a time on a background thread, so that the code every new client connection runs — accept,
 * the pipeline's set-up, the first read, the close — is compiled before clients bring connections
 * in bulk (a rollout, a reconnect storm, a load balancer opening a new pool). Without it the JIT
 * meets that code under the first such burst, on the event loop's core, and compiles it there while
 * requests wait: the first 160 ms of a fresh set of 50 connections ran at about half speed, with C1
 * and C2 taking a fifth of the core (bench/README.md, "Twenty-fourth session").
 *
 * <p>No request is ever completed: every other connection sends the start of a request line, then
 * every one half-closes and waits for the proxy to close it (so only one is open at a time, and the
 * proxy has gone through its whole close path before the next one). No route, backend, access log
 * line or request metric sees them. Off unless configured: see
 * MainConfig#DEFAULT_WARM_UP_CONNECTIONS.
 */
final class ConnectionWarmUp {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionWarmUp.class);

  /**
   * What the connections send, in turn: nothing, or a request line without its line end (enough for
   * the listener to tell HTTP/1.1 from HTTP/2 and set up its HTTP/1.1 stage). A connection that
   * ends inside a request line is closed without an answer and without a request
   * (ConnectionWarmUpIT).
   */
  private static final byte[][] OPENINGS = {
    new byte[0], "GET /aralez-warm-up HTTP/1.1".getBytes(StandardCharsets.US_ASCII)
  };

  /** Per connection: the connect, and the wait for the proxy's close. */
  private static final int TIMEOUT_MS = 2_000;

  private final InetSocketAddress target;
  private final int connections;
  private final CompletableFuture<Integer> done = new CompletableFuture<>();
  private volatile boolean stopped;

  private ConnectionWarmUp(InetSocketAddress target, int connections) {
    this.target = target;
    this.connections = connections;
  }

  /**
   * Starts warming the listener bound at {@code bound} with {@code connections} connections (none
   * when 0); the result completes with how many went through.
   */
  static ConnectionWarmUp start(InetSocketAddress bound, int connections) {
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
    Thread t = new Thread(w::run, "aralez-warm-up");
    t.setDaemon(true);
    t.start();
    return w;
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
        once(OPENINGS[n % OPENINGS.length], sink);
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
      done.complete(n);
    }
  }

  private void once(byte[] opening, byte[] sink) throws IOException {
    try (Socket s = new Socket()) {
      s.setSoTimeout(TIMEOUT_MS);
      s.connect(target, TIMEOUT_MS);
      if (opening.length > 0) {
        s.getOutputStream().write(opening);
      }
      s.shutdownOutput();
      InputStream in = s.getInputStream();
      while (in.read(sink) >= 0) {
        // Nothing is expected; whatever comes is read so that the close is the proxy's.
      }
    }
  }
}
