package io.aralez.dataplane.logging;

import io.aralez.dataplane.config.MainConfig;
import io.aralez.dataplane.policy.Authenticator;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request ({@code access_log: all}, or only 4xx/5xx with {@code error}), written by
 * its own thread from a bounded queue: a request never waits for the log, and lines that do not fit
 * are counted ({@code aralez_access_log_dropped_total}) instead. Query secrets ({@code
 * araleztoken}, {@code key}) never reach the log.
 */
public final class AccessLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("aralez.access");
  private static final int CAPACITY = 16_384;

  private final MainConfig.AccessLog mode;
  private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(CAPACITY);
  private final AtomicLong dropped = new AtomicLong();
  private final Thread writer;

  public AccessLog(MainConfig.AccessLog mode) {
    this.mode = mode;
    this.writer = new Thread(this::drain, "aralez-access-log");
    this.writer.setDaemon(true);
    if (mode != MainConfig.AccessLog.OFF) {
      writer.start();
    }
  }

  public boolean enabled() {
    return mode != MainConfig.AccessLog.OFF;
  }

  public long dropped() {
    return dropped.get();
  }

  /**
   * @param host the host the request named
   * @param route the route key it matched ({@code DEFAULT}, {@code *.suffix}, or "none")
   */
  public void log(
      String client,
      String host,
      String route,
      String method,
      String uri,
      int status,
      long bytes,
      long nanos,
      String upstream) {
    if (mode == MainConfig.AccessLog.OFF || (mode == MainConfig.AccessLog.ERROR && status < 400)) {
      return;
    }
    String safe =
        Authenticator.withoutParam(
            Authenticator.withoutParam(uri, Authenticator.TOKEN_PARAM), "key");
    String line =
        Instant.now()
            + " client="
            + client
            + " host="
            + host
            + " route="
            + route
            + " \""
            + method
            + ' '
            + safe
            + "\" "
            + status
            + " bytes="
            + bytes
            + " duration_ms="
            + nanos / 1_000_000
            + " upstream="
            + (upstream == null ? "-" : upstream);
    if (!queue.offer(line)) {
      dropped.incrementAndGet();
    }
  }

  private void drain() {
    try {
      while (true) {
        LOG.info(queue.take());
      }
    } catch (InterruptedException e) {
      String rest;
      while ((rest = queue.poll()) != null) {
        LOG.info(rest);
      }
    }
  }

  @Override
  public void close() {
    writer.interrupt();
  }
}
