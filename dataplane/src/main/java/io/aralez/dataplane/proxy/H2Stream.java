package io.aralez.dataplane.proxy;

import io.aralez.dataplane.http.H2ResponseHeaders;
import io.aralez.dataplane.upstream.UpstreamPool;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;

/**
 * One stream of an HTTP/2 client connection, as the {@link ClientChannel} of its request flow: the
 * response's HTTP/1 objects go out as HEADERS and DATA frames straight to the connection's frame
 * codec, and the bytes of the request's DATA frames are given back to the client's flow-control
 * window only when the flow asks to read — so a stream whose upstream does not take its body closes
 * its own window and no other stream's. Event loop only.
 */
final class H2Stream implements ClientChannel {
  private final H2Connection connection;
  private final Http2FrameStream stream;
  ClientRequests requests;

  /** Bytes of DATA frames handed to the flow and not yet returned to the client's window. */
  private int unconsumed;

  private boolean requestEnded;
  private boolean responseEnded;

  /** Reset by either side, or its connection is gone: nothing more is written. */
  private boolean reset;

  /** Took frames in the current round of reads. */
  boolean touched;

  H2Stream(H2Connection connection, Http2FrameStream stream) {
    this.connection = connection;
    this.stream = stream;
  }

  Http2FrameStream frameStream() {
    return stream;
  }

  boolean responseEnded() {
    return responseEnded;
  }

  // ---- request side, from the connection ----

  /** A request head, body part or trailers, in order; {@code bytes} of it are flow-controlled. */
  void receive(Object msg, int bytes, boolean last) {
    unconsumed += bytes;
    requestEnded |= last;
    if (requests.finished()) {
      ReferenceCountUtil.release(msg);
      read();
      return;
    }
    requests.receive(msg);
    if (requestEnded) {
      // Nothing more can come on this stream: what it still holds of the connection's window
      // goes back now, not when the response is done.
      read();
    }
  }

  /** The stream closed before its response was complete: the client reset it or it failed. */
  void gone() {
    reset = true;
    if (!requests.finished()) {
      requests.closed();
    }
  }

  // ---- ClientChannel ----

  @Override
  public EventLoop eventLoop() {
    return connection.channel().eventLoop();
  }

  @Override
  public ByteBufAllocator alloc() {
    return connection.channel().alloc();
  }

  @Override
  public Object remoteAddress() {
    return connection.channel().remoteAddress();
  }

  @Override
  public boolean http2() {
    return true;
  }

  @Override
  public <T> T connectionAttr(AttributeKey<T> key) {
    return connection.channel().attr(key).get();
  }

  @Override
  public boolean writable() {
    return !reset && connection.writable(stream);
  }

  @Override
  public void write(Object msg) {
    if (reset || responseEnded) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpResponse res) {
      Http2Headers headers = H2ResponseHeaders.of(res);
      if (res.status().code() < 200) {
        // Interim (100 Continue, 103): a HEADERS frame that does not end the stream.
        connection.write(new DefaultHttp2HeadersFrame(headers, false).stream(stream));
        ReferenceCountUtil.release(msg);
        return;
      }
      boolean whole =
          res instanceof FullHttpMessage full
              && !full.content().isReadable()
              && full.trailingHeaders().isEmpty();
      if (whole) {
        ReferenceCountUtil.release(msg);
        end(new DefaultHttp2HeadersFrame(headers, true).stream(stream));
        return;
      }
      connection.write(new DefaultHttp2HeadersFrame(headers, false).stream(stream));
    }
    if (msg instanceof LastHttpContent last) {
      writeLast(last);
    } else if (msg instanceof HttpContent content) {
      connection.write(new DefaultHttp2DataFrame(content.content(), false).stream(stream));
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  /** The end of the response: its last bytes, then its trailers if any (gRPC's grpc-status). */
  private void writeLast(LastHttpContent last) {
    HttpHeaders trailers = last.trailingHeaders();
    if (trailers.isEmpty()) {
      end(new DefaultHttp2DataFrame(last.content(), true).stream(stream));
      return;
    }
    Http2Headers converted = HttpConversionUtil.toHttp2Headers(trailers, true);
    if (last.content().isReadable()) {
      connection.write(new DefaultHttp2DataFrame(last.content(), false).stream(stream));
    } else {
      last.release();
    }
    end(new DefaultHttp2HeadersFrame(converted, true).stream(stream));
  }

  private void end(Object lastFrame) {
    responseEnded = true;
    if (requestEnded) {
      connection.write(lastFrame);
      return;
    }
    // The answer is complete while the client still sends (a refused upload, a server that ends
    // a gRPC stream first): once the last frame is out, RST_STREAM(NO_ERROR) asks the client to
    // stop sending (RFC 9113 §8.1). Not sooner: a reset drops frames still held back by flow
    // control.
    ChannelFuture sent = connection.writeWithFuture(lastFrame);
    sent.addListener(
        f -> {
          if (f.isSuccess() && !requestEnded && !reset) {
            reset = true;
            connection.reset(stream, Http2Error.NO_ERROR);
          }
        });
  }

  @Override
  public void flush() {
    connection.flushSoon();
  }

  @Override
  public void read() {
    if (unconsumed > 0 && !reset) {
      connection.consume(stream, unconsumed);
    }
    unconsumed = 0;
  }

  @Override
  public void writeAndClose(Object last) {
    write(last);
    flush();
  }

  @Override
  public void flushAndClose() {
    if (responseEnded) {
      flush();
    } else {
      close();
    }
  }

  @Override
  public void close() {
    if (reset || (responseEnded && requestEnded)) {
      return;
    }
    reset = true;
    connection.reset(stream, Http2Error.CANCEL);
  }

  @Override
  public void tunnel(UpstreamPool.Lease upstream, Duration idle) {
    // Upgrades are HTTP/1.1 only (ClientTraits): an exchange never asks this of a stream.
    upstream.release(false);
    close();
  }
}
