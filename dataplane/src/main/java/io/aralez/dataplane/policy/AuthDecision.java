package io.aralez.dataplane.policy;

import java.util.concurrent.CompletableFuture;

/** What authorization decided about a request, or how to find out. */
public sealed interface AuthDecision {
  /**
   * Go on.
   *
   * @param uri the request target to send upstream when it changed (a token removed), else null
   */
  record Allow(String uri) implements AuthDecision {}

  /** 401; {@code challenge} asks browsers for Basic credentials. */
  record Deny(boolean challenge) implements AuthDecision {}

  /** Decided off the event loop (bcrypt); completes with Allow or Deny. */
  record Pending(CompletableFuture<AuthDecision> result, String uri) implements AuthDecision {}

  /** Ask the auth server at {@code url}. */
  record Forward(String url) implements AuthDecision {}

  AuthDecision ALLOW = new Allow(null);
  AuthDecision DENY = new Deny(false);
}
