package io.aralez.controller.server;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.concurrent.Callable;

/**
 * Refuses every call that does not carry {@code authorization: Bearer <token>} with the expected
 * token, compared in constant time. The token is looked up at each call (a file re-read, or the
 * watched Secret), so a rotated one applies to new streams without a restart.
 */
public final class TokenAuth implements ServerInterceptor {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final Callable<String> token;

  /** The token of a file (a mounted Secret). */
  public TokenAuth(Path tokenFile) {
    this(() -> Files.readString(tokenFile, StandardCharsets.UTF_8));
  }

  public TokenAuth(Callable<String> token) {
    this.token = token;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String expected;
    try {
      String t = token.call();
      expected = t == null ? "" : t.strip();
    } catch (Exception e) {
      call.close(
          Status.UNAVAILABLE.withDescription("the controller cannot read its token"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    String given = headers.get(AUTHORIZATION);
    boolean ok =
        !expected.isEmpty()
            && given != null
            && given.startsWith("Bearer ")
            && MessageDigest.isEqual(
                given.substring(7).strip().getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8));
    if (!ok) {
      call.close(
          Status.UNAUTHENTICATED.withDescription("a valid bearer token is required"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return next.startCall(call, headers);
  }
}
