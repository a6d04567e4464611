package io.aralez.dataplane.testing;

import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CountDownLatch;

/**
 * A gRPC service with all four call types over raw bytes (no code generation): unary echo (a
 * message starting with "fail" gets INVALID_ARGUMENT), client streaming (answers the total size),
 * server streaming (N answers of the request), bidirectional echo.
 */
public final class GrpcEcho {
  public static final String SERVICE = "test.Echo";
  public static final CountDownLatch CANCELLED = new CountDownLatch(1);

  private GrpcEcho() {}

  public static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  public static MethodDescriptor<byte[], byte[]> method(
      String name, MethodDescriptor.MethodType type) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(type)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
        .setRequestMarshaller(BYTES)
        .setResponseMarshaller(BYTES)
        .build();
  }

  public static final MethodDescriptor<byte[], byte[]> UNARY =
      method("Unary", MethodDescriptor.MethodType.UNARY);
  public static final MethodDescriptor<byte[], byte[]> CLIENT_STREAM =
      method("ClientStream", MethodDescriptor.MethodType.CLIENT_STREAMING);
  public static final MethodDescriptor<byte[], byte[]> SERVER_STREAM =
      method("ServerStream", MethodDescriptor.MethodType.SERVER_STREAMING);
  public static final MethodDescriptor<byte[], byte[]> BIDI =
      method("Bidi", MethodDescriptor.MethodType.BIDI_STREAMING);

  public static ServerServiceDefinition service() {
    return ServerServiceDefinition.builder(SERVICE)
        .addMethod(
            UNARY,
            ServerCalls.asyncUnaryCall(
                (req, out) -> {
                  if (new String(req, 0, Math.min(4, req.length)).equals("fail")) {
                    out.onError(
                        Status.INVALID_ARGUMENT
                            .withDescription("no failing allowed")
                            .asRuntimeException());
                    return;
                  }
                  out.onNext(req);
                  out.onCompleted();
                }))
        .addMethod(
            CLIENT_STREAM,
            ServerCalls.asyncClientStreamingCall(
                (StreamObserver<byte[]> out) ->
                    new StreamObserver<byte[]>() {
                      long total;

                      @Override
                      public void onNext(byte[] value) {
                        total += value.length;
                      }

                      @Override
                      public void onError(Throwable t) {}

                      @Override
                      public void onCompleted() {
                        out.onNext(Long.toString(total).getBytes());
                        out.onCompleted();
                      }
                    }))
        .addMethod(
            SERVER_STREAM,
            ServerCalls.asyncServerStreamingCall(
                (req, out) -> {
                  int n = Integer.parseInt(new String(req));
                  ServerCallStreamObserver<byte[]> server = (ServerCallStreamObserver<byte[]>) out;
                  server.setOnCancelHandler(CANCELLED::countDown);
                  if (n < 0) {
                    // Endless, until the client cancels.
                    new Thread(
                            () -> {
                              while (!server.isCancelled()) {
                                server.onNext("tick".getBytes());
                                try {
                                  Thread.sleep(10);
                                } catch (InterruptedException e) {
                                  return;
                                }
                              }
                            })
                        .start();
                    return;
                  }
                  for (int i = 0; i < n; i++) {
                    out.onNext(("item-" + i).getBytes());
                  }
                  out.onCompleted();
                }))
        .addMethod(
            BIDI,
            ServerCalls.asyncBidiStreamingCall(
                (StreamObserver<byte[]> out) ->
                    new StreamObserver<byte[]>() {
                      @Override
                      public void onNext(byte[] value) {
                        out.onNext(value);
                      }

                      @Override
                      public void onError(Throwable t) {}

                      @Override
                      public void onCompleted() {
                        out.onCompleted();
                      }
                    }))
        .build();
  }
}
