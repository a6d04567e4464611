package io.aralez.dataplane.upstream;

import io.aralez.dataplane.config.MainConfig.HealthCheckMethod;
import io.aralez.dataplane.config.UpstreamProtocol;
import io.aralez.dataplane.net.Transport;
import io.aralez.dataplane.upstream.BackendRegistry.ProbeTarget;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Active health checks and protocol detection. Every {@code hc_interval} (jittered by ±10% so
 * fleets do not probe in lockstep) each health-checked backend address gets one probe: {@code
 * hc_method} to the path of a route listing it, answered below 500 within {@code hc_timeout}.
 * Probes are asynchronous on the checker's own event loop, in parallel, never more than one per
 * address at a time. A backend whose protocol is unknown is first offered TLS (ALPN h2, http/1.1):
 * a finished handshake means TLS, otherwise plain HTTP/1.1. A failed probe forgets the protocol so
 * it is detected again.
 */
public final class HealthChecker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HealthChecker.class);

  /** Probe settings, from main.yaml. */
  public record Settings(
      HealthCheckMethod method, Duration interval, Duration timeout, int rise, int fall) {}

  private final BackendRegistry registry;
  private final UpstreamConnector connector;
  private final Settings settings;
  private final EventLoopGroup group;
  private final EventLoop loop;
  private final Set<BackendState> inFlight = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  public HealthChecker(
      BackendRegistry registry,
      UpstreamConnector connector,
      Transport transport,
      Settings settings) {
    this.registry = registry;
    this.connector = connector;
    this.settings = settings;
    this.group = transport.newGroup(1, "aralez-health");
    this.loop = group.next();
  }

  public void start() {
    loop.execute(this::tick);
  }

  /** Probes new backends now rather than at the next tick (after a config change). */
  public void kick() {
    loop.execute(this::probeAll);
  }

  private void tick() {
    if (closed) {
      return;
    }
    probeAll();
    long base = settings.interval().toMillis();
    long jitter = (long) (base * 0.1);
    long next = base + (jitter > 0 ? ThreadLocalRandom.current().nextLong(-jitter, jitter + 1) : 0);
    loop.schedule(this::tick, next, TimeUnit.MILLISECONDS);
  }

  private void probeAll() {
    for (ProbeTarget t : registry.probeTargets()) {
      if (inFlight.add(t.state())) {
        probe(t).addListener(f -> inFlight.remove(t.state()));
      }
    }
  }

  /** Runs one probe and records its outcome. */
  Future<Void> probe(ProbeTarget t) {
    Promise<Void> done = loop.newPromise();
    UpstreamProtocol known = t.forced() != null ? t.forced() : t.state().detected();
    Future<ProbeResult> result = known != null ? probeWith(t, known) : detect(t);
    result.addListener(
        (Future<ProbeResult> f) -> {
          ProbeResult r = f.isSuccess() ? f.getNow() : ProbeResult.failed(f.cause());
          record(t, r);
          done.setSuccess(null);
        });
    return done;
  }

  private void record(ProbeTarget t, ProbeResult r) {
    BackendState s = t.state();
    if (r.ok() && t.forced() == null) {
      s.detected(r.protocol());
    } else if (!r.ok() && t.forced() == null) {
      s.detected(null);
    }
    boolean changed = s.probeResult(r.ok(), r.error(), settings.rise(), settings.fall());
    if (changed) {
      if (s.healthy()) {
        LOG.info("backend {} is up ({})", s.address(), r.protocol());
      } else {
        LOG.warn("backend {} is down: {}", s.address(), r.error());
      }
    }
  }

  /** Offers TLS first; a backend that cannot do the handshake is plain HTTP/1.1. */
  private Future<ProbeResult> detect(ProbeTarget t) {
    Promise<ProbeResult> p = loop.newPromise();
    connector
        .connect(loop, t.state().address(), UpstreamTls.Alpn.DETECT, t.host(), settings.timeout())
        .addListener(
            (Future<Channel> f) -> {
              if (f.isSuccess()) {
                Channel ch = f.getNow();
                String alpn = ch.pipeline().get(SslHandler.class).applicationProtocol();
                UpstreamProtocol proto =
                    ApplicationProtocolNames.HTTP_2.equals(alpn)
                        ? UpstreamProtocol.H2
                        : UpstreamProtocol.HTTPS;
                if (connector.tls().verify()) {
                  // Detection only asked "does it speak TLS?"; health is judged with the
                  // verifying context that real traffic uses.
                  ch.close();
                  probeWith(t, proto).addListener(cascade(p));
                } else {
                  HealthProbe.send(ch, proto, t, settings).addListener(cascade(p));
                }
              } else if (notTls(f.cause())) {
                probePlain(t).addListener(cascade(p));
              } else {
                p.trySuccess(ProbeResult.failed(f.cause()));
              }
            });
    return p;
  }

  /**
   * A plain backend: HTTP/1.1, or h2c when it answers HTTP/1.1 with a protocol error (an
   * HTTP/2-only server such as a gRPC one).
   */
  private Future<ProbeResult> probePlain(ProbeTarget t) {
    Promise<ProbeResult> p = loop.newPromise();
    probeWith(t, UpstreamProtocol.HTTP)
        .addListener(
            (Future<ProbeResult> f) -> {
              ProbeResult r = f.isSuccess() ? f.getNow() : ProbeResult.failed(f.cause());
              // 505 is how HTTP/2-only servers (gRPC) turn HTTP/1.1 away.
              boolean answeredHttp1 =
                  r.error() != null
                      && r.error().startsWith("answered")
                      && !r.error().equals("answered 505");
              if (r.ok() || r.protocol() == null || answeredHttp1) {
                p.trySuccess(r);
                return;
              }
              probeWith(t, UpstreamProtocol.H2C)
                  .addListener(
                      (Future<ProbeResult> h) -> {
                        ProbeResult r2 = h.isSuccess() ? h.getNow() : ProbeResult.failed(h.cause());
                        p.trySuccess(r2.ok() ? r2 : r);
                      });
            });
    return p;
  }

  private Future<ProbeResult> probeWith(ProbeTarget t, UpstreamProtocol proto) {
    Promise<ProbeResult> p = loop.newPromise();
    UpstreamTls.Alpn alpn =
        proto == UpstreamProtocol.H2
            ? UpstreamTls.Alpn.H2
            : proto == UpstreamProtocol.HTTPS ? UpstreamTls.Alpn.HTTP1 : null;
    connector
        .connect(loop, t.state().address(), alpn, t.host(), settings.timeout())
        .addListener(
            (Future<Channel> f) -> {
              if (f.isSuccess()) {
                HealthProbe.send(f.getNow(), proto, t, settings).addListener(cascade(p));
              } else {
                p.trySuccess(ProbeResult.failed(f.cause()));
              }
            });
    return p;
  }

  private static boolean notTls(Throwable cause) {
    return cause instanceof SSLException
        || cause instanceof DecoderException
        || cause instanceof ClosedChannelException;
  }

  private static io.netty.util.concurrent.GenericFutureListener<Future<ProbeResult>> cascade(
      Promise<ProbeResult> p) {
    return f -> p.trySuccess(f.isSuccess() ? f.getNow() : ProbeResult.failed(f.cause()));
  }

  /** A failure for logs and /status: its type and message, and those of its root cause. */
  static String describe(Throwable cause) {
    if (cause == null) {
      return "failed";
    }
    String text = cause.getClass().getSimpleName() + ": " + cause.getMessage();
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root != cause) {
      text += " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    }
    return text;
  }

  @Override
  public void close() {
    closed = true;
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
  }

  /** The outcome of one probe. */
  record ProbeResult(boolean ok, UpstreamProtocol protocol, String error) {
    static ProbeResult failed(Throwable cause) {
      return new ProbeResult(false, null, describe(cause));
    }
  }
}
