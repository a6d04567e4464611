package io.aralez.dataplane.admin;

import io.aralez.dataplane.proxy.LocalResponses;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The original's ACME endpoints, kept for compatibility: {@code /acme_create}, {@code
 * /acme_order/<name>} (both only with the master key: they spend the account's rate limits) and
 * {@code /.well-known/acme-challenge/<token>} (open: a CA fetches it, and key authorizations are
 * public by design). Orders take seconds to minutes: they answer when done, off the event loop.
 */
final class AcmeEndpoints {
  static final String CHALLENGE = "/.well-known/acme-challenge/";
  static final String ORDER = "/acme_order/";
  static final String CREATE = "/acme_create";

  private final AdminContext context;

  AcmeEndpoints(AdminContext context) {
    this.context = context;
  }

  static boolean handles(String path) {
    return path.equals(CREATE) || path.startsWith(ORDER) || path.startsWith(CHALLENGE);
  }

  /** The answer for a challenge: public, immediate. */
  FullHttpResponse challenge(ByteBufAllocator alloc, String path) {
    String token = path.substring(CHALLENGE.length());
    String answer = context.challenges() == null ? null : context.challenges().answer(token);
    if (answer == null) {
      answer = context.intake().holder().current().config().acmeChallenges().get(token);
    }
    return answer == null
        ? LocalResponses.text(alloc, HttpResponseStatus.NOT_FOUND, "Not found")
        : LocalResponses.text(alloc, HttpResponseStatus.OK, answer);
  }

  /** {@code /acme_create} or {@code /acme_order/<name>}, the key already checked. */
  CompletableFuture<FullHttpResponse> act(ByteBufAllocator alloc, String path) {
    if (context.acme() == null) {
      return CompletableFuture.completedFuture(
          LocalResponses.text(
              alloc,
              HttpResponseStatus.CONFLICT,
              "ACME needs a certificate folder (proxy_certificates or proxy_configs), out of a"
                  + " cluster\n"));
    }
    if (path.equals(CREATE)) {
      return context
          .acme()
          .account()
          .handle((url, e) -> answer(alloc, e, url + "\n", "Failed to create the ACME account"));
    }
    String name =
        io.aralez.common.values.HostNames.normalizeConfigured(path.substring(ORDER.length()));
    if (name == null || name.startsWith("*.") || name.equals("DEFAULT")) {
      return CompletableFuture.completedFuture(
          LocalResponses.text(
              alloc, HttpResponseStatus.BAD_REQUEST, "not a host name HTTP-01 can certify\n"));
    }
    return context
        .acme()
        .order(name)
        .handle((text, e) -> answer(alloc, e, text + "\n", "Failed to order a certificate"));
  }

  private static FullHttpResponse answer(
      ByteBufAllocator alloc, Throwable e, String ok, String failure) {
    if (e == null) {
      return LocalResponses.text(alloc, HttpResponseStatus.OK, ok);
    }
    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    return LocalResponses.text(
        alloc,
        HttpResponseStatus.INTERNAL_SERVER_ERROR,
        failure + ": " + cause.getMessage() + "\n");
  }
}
